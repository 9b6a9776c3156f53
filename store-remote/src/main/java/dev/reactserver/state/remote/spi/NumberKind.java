package dev.reactserver.state.remote.spi;

/** The kinds of number an increment adds to; each has its own overflow rule. */
public enum NumberKind {
  /** A 32-bit integer; a sum outside its range must be reported as an overflow. */
  INT,
  /** A 64-bit integer; a sum outside its range must be reported as an overflow. */
  LONG,
  /** A 64-bit floating-point number. */
  DOUBLE
}
