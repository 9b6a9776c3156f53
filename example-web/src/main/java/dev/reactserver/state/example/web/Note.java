package dev.reactserver.state.example.web;

import dev.reactserver.state.State;

/** A note on one instance of the component: the page shows two, each with its own note. */
public class Note {

  /** The note's text, shared by everybody who sees this instance. */
  @State
  String text = "";
}
