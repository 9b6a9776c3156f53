package dev.reactserver.state.runtime.spi;

import java.util.Objects;

/**
 * One {@code @State} field as the generated accessors see it: which component declares it, under which
 * key, scope template and type. Generated code keeps one constant per field; applications rarely need it.
 *
 * <p>Stores remember the declaration that created each state, so that a second declaration of the
 * same state with another type fails with a {@code StateTypeException} naming both.
 *
 * @param <T> the (boxed) type of the state's value
 */
public final class StateDeclaration<T> {

  private final String component;
  private final String field;
  private final String key;
  private final ScopeTemplate scope;
  private final StateType<T> type;

  private StateDeclaration(
      String component, String field, String key, ScopeTemplate scope, StateType<T> type) {
    this.component = component;
    this.field = field;
    this.key = key;
    this.scope = scope;
    this.type = type;
  }

  /**
   * Declares the state of field {@code field} of the component class {@code component} (its canonical
   * name), whose declared type is {@code type}.
   *
   * @throws IllegalArgumentException if {@code scope} is empty or holds an unknown placeholder
   */
  public static <T> StateDeclaration<T> of(
      String component, String field, String key, String scope, StateType<T> type) {
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(type, "type");
    try {
      return new StateDeclaration<>(component, field, key, ScopeTemplate.parse(scope), type);
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

  /** The field's declared type. */
  public StateType<T> type() {
    return type;
  }

  /**
   * The field and its type, e.g. {@code "shop.Counter.count (int)"}: how exceptions name a declaration,
   * and what stores that keep states elsewhere record as a state's declaration.
   */
  public String describe() {
    return component + "." + field + " (" + type + ")";
  }

  /** The parsed scope template: which placeholders it uses, and how it resolves. */
  public ScopeTemplate scopeTemplate() {
    return scope;
  }

  @Override
  public String toString() {
    return component + "." + field + " (" + type + ", scope '" + scope + "', key '" + key + "')";
  }
}
