/**
 * The conformance suites every {@code Store} must pass: extend
 * {@link dev.reactserver.state.tck.StoreConformanceTest} (and, for a store that server nodes share,
 * {@link dev.reactserver.state.tck.SharedStoreConformanceTest}) in the store's tests. Store authors use it.
 */
package dev.reactserver.state.tck;
