package dev.reactserver.state.processor.generation;

import com.palantir.javapoet.ClassName;

/** The one place that computes generated names. */
public final class Names {

  private Names() {}

  /** {@code p.Cart} → {@code p.CartStates}; {@code p.Outer.Cart} → {@code p.Outer_CartStates}. */
  public static ClassName accessorClass(ClassName component) {
    return ClassName.get(component.packageName(), String.join("_", component.simpleNames()) + "States");
  }
}
