package dev.reactserver.state.runtime;

import java.util.Objects;

/**
 * One {@code @State} field as the generated accessors see it: which component declares it, under which
 * key and scope template. Generated code keeps one constant per field; applications rarely need it.
 */
public final class StateDeclaration {

  private final String component;
  private final String field;
  private final String key;
  private final ScopeTemplate scope;

  private StateDeclaration(String component, String field, String key, ScopeTemplate scope) {
    this.component = component;
    this.field = field;
    this.key = key;
    this.scope = scope;
  }

  /**
   * Declares the state of field {@code field} of the component class {@code component} (its canonical
   * name).
   *
   * @throws IllegalArgumentException if {@code scope} is empty or holds an unknown placeholder
   */
  public static StateDeclaration of(String component, String field, String key, String scope) {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(scope, "scope");
    try {
      return new StateDeclaration(component, field, key, ScopeTemplate.parse(scope));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "state '" + field + "' of " + component + ": " + e.getMessage(), e);
    }
  }

  /** The canonical name of the component class that declares the state. */
  public String component() {
    return component;
  }

  /** The name of the {@code @State} field. */
  public String field() {
    return field;
  }

  /** The state's key. */
  public String key() {
    return key;
  }

  /** The scope template as written, e.g. {@code "cart.$client"}. */
  public String scope() {
    return scope.source();
  }

  ScopeTemplate scopeTemplate() {
    return scope;
  }

  @Override
  public String toString() {
    return component + "." + field + " (scope '" + scope + "', key '" + key + "')";
  }
}
