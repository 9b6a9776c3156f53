/**
 * The annotation processor: {@link dev.reactserver.state.processor.StateProcessor} finds the
 * {@code @State} fields of each component, validates them and writes its accessor class. Builds run it
 * from the processor path; nothing here is API.
 */
package dev.reactserver.state.processor;
