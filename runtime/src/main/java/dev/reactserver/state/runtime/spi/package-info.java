/**
 * What a new store implements and may call: the declaration a generated accessor binds a state with
 * ({@link dev.reactserver.state.runtime.spi.StateDeclaration}, {@link dev.reactserver.state.runtime.spi.StateType}),
 * value codecs, one-step adds, what numeric states promise
 * ({@link dev.reactserver.state.runtime.spi.StateValues}), generic type literals
 * ({@link dev.reactserver.state.runtime.spi.Types}), parsed scope templates, and how resolved scopes name their clients, users and component
 * instances. Store authors use it; applications do not need it.
 */
package dev.reactserver.state.runtime.spi;
