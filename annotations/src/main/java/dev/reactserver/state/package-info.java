/**
 * What component classes are annotated with: {@link dev.reactserver.state.State} on a field declares
 * a state, {@link dev.reactserver.state.Scopes} names its scope. Applications use it; the annotation
 * processor reads it at compile time, and nothing here is needed at run time.
 */
package dev.reactserver.state;
