/**
 * Reads annotated elements into the model, reporting every problem on the exact element or annotation
 * value in one pass. Used by the processor only.
 */
package dev.reactserver.state.processor.validation;
