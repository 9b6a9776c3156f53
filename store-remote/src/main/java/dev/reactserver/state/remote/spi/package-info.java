/**
 * The base a server store is built on: {@link dev.reactserver.state.remote.spi.RemoteStore} implements
 * the whole {@code Store} on a dozen atomic primitives a store writes for its server, with the retry
 * policy, change delivery and declaration checks shared by every server store. Store authors use it.
 */
package dev.reactserver.state.remote.spi;
