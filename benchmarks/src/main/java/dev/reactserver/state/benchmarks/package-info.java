/**
 * The JMH benchmarks behind BENCHMARKS.md and the baselines they are measured against. Run by whoever
 * checks a performance figure.
 */
package dev.reactserver.state.benchmarks;
