package dev.reactserver.state.runtime.spi;

import java.lang.invoke.MethodType;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * The declared Java type of a state, generic arguments included, as generated code passes it to the
 * store: {@code StateType.of(int.class)}, {@code StateType.<List<String>>ofType(Types.parameterized(List.class,
 * String.class))}.
 *
 * <p>Two state types are equal when their types are equal after boxing: {@code int} and {@code Integer}
 * are the same state type, {@code List<String>} and {@code List<Integer>} are not. Immutable.
 *
 * @param <T> the (boxed) type of the state's value
 */
public final class StateType<T> {

  private final Type type;
  private final Type boxed;
  private final Class<?> rawType;

  private StateType(Type type) {
    this.type = type;
    this.boxed = type instanceof Class<?> c && c.isPrimitive()
        ? MethodType.methodType(c).wrap().returnType() : type;
    this.rawType = rawType(boxed);
  }

  /** The state type of a class; primitive classes stand for their boxes. */
  public static <T> StateType<T> of(Class<T> type) {
    return new StateType<>(Objects.requireNonNull(type, "type"));
  }

  /**
   * The state type of any type, usually built with {@link Types}. The caller vouches that {@code T}
   * matches {@code type}; generated code always passes the field's declared type.
   *
   * @throws IllegalArgumentException if {@code type} is a type variable or a wildcard
   */
  public static <T> StateType<T> ofType(Type type) {
    Objects.requireNonNull(type, "type");
    if (!(type instanceof Class<?> || type instanceof ParameterizedType
        || type instanceof GenericArrayType)) {
      throw new IllegalArgumentException("a state type must be a class, a parameterized type or an"
          + " array type, but was " + type.getTypeName());
    }
    return new StateType<>(type);
  }

  /** The declared type, e.g. {@code int} or {@code java.util.List<java.lang.String>}. */
  public Type type() {
    return type;
  }

  /** The erased, boxed class of the type: {@code Integer} for {@code int}, {@code List} for {@code List<String>}. */
  public Class<?> rawType() {
    return rawType;
  }

  /**
   * The name of the type after boxing, e.g. {@code java.lang.Integer} for {@code int}: equal exactly
   * when the state types are equal, so stores in other processes can compare types by it.
   */
  public String boxedName() {
    return boxed.getTypeName();
  }

  /** Whether {@code value} can be held by a state of this type ({@code null} can, unless primitive). */
  public boolean accepts(Object value) {
    if (value == null) {
      return !(type instanceof Class<?> c && c.isPrimitive());
    }
    return rawType.isInstance(value);
  }

  private static Class<?> rawType(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    if (type instanceof GenericArrayType a) {
      return rawType(a.getGenericComponentType()).arrayType();
    }
    return Object.class; // wildcards inside arguments never reach here: they are not state types
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof StateType<?> that && boxed.equals(that.boxed);
  }

  @Override
  public int hashCode() {
    return boxed.hashCode();
  }

  /** The declared type's name, e.g. {@code java.util.List<java.lang.String>}. */
  @Override
  public String toString() {
    return type.getTypeName();
  }
}
