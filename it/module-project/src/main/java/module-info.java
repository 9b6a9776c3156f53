module com.acme.shop {
  requires static dev.reactserver.state.annotations; // @State is read at compile time only
  requires dev.reactserver.state.runtime;
}
