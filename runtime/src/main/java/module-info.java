/**
 * The runtime: {@code dev.reactserver.state.runtime} is what applications use, {@code .spi} what a new
 * store implements and may call, {@code .internal} what generated accessors call and nothing else (not
 * API). {@code .scope}, the scope grammar shared by the runtime's own packages, is not exported.
 */
module dev.reactserver.state.runtime {
  exports dev.reactserver.state.runtime;
  exports dev.reactserver.state.runtime.spi;
  exports dev.reactserver.state.runtime.internal;
}
