/** {@code @State} and {@link dev.reactserver.state.Scopes}: what components are annotated with. */
module dev.reactserver.state.annotations {
  exports dev.reactserver.state;
}
