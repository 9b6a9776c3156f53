/**
 * Turns the model into accessor classes with JavaPoet; pure, with no reporting or file writing. Used by
 * the processor only.
 */
package dev.reactserver.state.processor.generation;
