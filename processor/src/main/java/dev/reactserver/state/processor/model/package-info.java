/**
 * The validated, immutable description of a component and its states that generation consumes. Used by
 * the processor only.
 */
package dev.reactserver.state.processor.model;
