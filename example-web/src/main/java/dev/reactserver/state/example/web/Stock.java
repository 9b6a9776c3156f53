package dev.reactserver.state.example.web;

import dev.reactserver.state.State;

/** The shop's stock of one product: one global state everybody shares. */
public class Stock {

  /** Units left; every browser's "buy" takes one. */
  @State(key = "teapots", scope = "shop")
  int teapots = 100;
}
