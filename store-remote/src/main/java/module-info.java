/**
 * What the server stores share: {@code dev.reactserver.state.remote} holds {@code JsonCodecs}, which
 * applications configure; {@code .spi} the base a server store is built on.
 */
module dev.reactserver.state.remote {
  requires transitive dev.reactserver.state.runtime;
  requires transitive com.fasterxml.jackson.databind;

  exports dev.reactserver.state.remote;
  exports dev.reactserver.state.remote.spi;
}
