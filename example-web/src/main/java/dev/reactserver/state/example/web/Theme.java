package dev.reactserver.state.example.web;

import dev.reactserver.state.State;

/** The page's theme, per browser in the composite scope {@code "ui.$client"}. */
public class Theme {

  /** Whether this browser shows the page dark. */
  @State(scope = "ui.$client")
  boolean dark = false;
}
