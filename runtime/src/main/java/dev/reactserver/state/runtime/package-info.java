/**
 * What applications use: a {@link dev.reactserver.state.runtime.Store} (the built-in
 * {@link dev.reactserver.state.runtime.InMemoryStore}, or a server store), the
 * {@link dev.reactserver.state.runtime.StateContext} a request binds its components in, live handles,
 * change listeners and the exceptions. Stores implement {@code Store} too, with the types of
 * {@link dev.reactserver.state.runtime.spi}.
 *
 * <p>{@code Store} stays one interface for applications and implementors: an application holds the
 * object a store author wrote and passes it to {@code StateContext.of}, and the few methods only a
 * context calls ({@code getState} with a declaration, {@code prepareState}, {@code loadStates}) take
 * {@code spi} types, so they cannot be called by accident. Splitting it as {@code FileSystem} and
 * {@code FileSystemProvider} are split would give every store two classes that must stay in step, for
 * three methods.
 */
package dev.reactserver.state.runtime;
