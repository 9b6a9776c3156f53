package dev.reactserver.state.runtime.spi;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Builds the {@link Type}s of generic state types, such as {@code Map<String, List<Integer>>}, that
 * generated code passes to {@link StateType#ofType(Type)}. The results compare equal to the JDK's own
 * reflective types of the same shape.
 *
 * <p>Immutable and thread-safe; generated accessors build their declarations' types with it.
 */
public final class Types {

  private Types() {}

  /**
   * The type {@code raw<arguments>}, for example {@code parameterized(List.class, String.class)} for
   * {@code List<String>}. A member type's owner is its enclosing class.
   *
   * @throws IllegalArgumentException if the number of arguments does not match {@code raw}'s type
   *     parameters
   */
  public static ParameterizedType parameterized(Class<?> raw, Type... arguments) {
    Objects.requireNonNull(raw, "raw");
    Type[] copy = arguments.clone();
    for (Type argument : copy) {
      Objects.requireNonNull(argument, "type argument");
    }
    if (raw.getTypeParameters().length != copy.length) {
      throw new IllegalArgumentException(raw.getName() + " takes " + raw.getTypeParameters().length
          + " type arguments, but " + copy.length + " were given");
    }
    return new Parameterized(raw.getEnclosingClass(), raw, copy);
  }

  /** The array type {@code component[]}; for a class, the array class itself. */
  public static Type arrayOf(Type component) {
    Objects.requireNonNull(component, "component");
    if (component instanceof Class<?> type) {
      return type.arrayType();
    }
    return new GenericArray(component);
  }

  /** The wildcard {@code ? extends bound}. */
  public static WildcardType subtypeOf(Type bound) {
    return new Wildcard(new Type[] {Objects.requireNonNull(bound, "bound")}, new Type[0]);
  }

  /** The wildcard {@code ? super bound}. */
  public static WildcardType supertypeOf(Type bound) {
    return new Wildcard(new Type[] {Object.class}, new Type[] {Objects.requireNonNull(bound, "bound")});
  }

  /** The unbounded wildcard {@code ?}. */
  public static WildcardType wildcard() {
    return subtypeOf(Object.class);
  }

  private record Parameterized(Type ownerType, Class<?> rawType, Type[] arguments)
      implements ParameterizedType {

    @Override
    public Type[] getActualTypeArguments() {
      return arguments.clone();
    }

    @Override
    public Type getRawType() {
      return rawType;
    }

    @Override
    public Type getOwnerType() {
      return ownerType;
    }

    // Equal to any ParameterizedType of the same shape, including the JDK's (same contract as its equals).
    @Override
    public boolean equals(Object other) {
      return other instanceof ParameterizedType that
          && rawType.equals(that.getRawType())
          && Objects.equals(ownerType, that.getOwnerType())
          && Arrays.equals(arguments, that.getActualTypeArguments());
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(arguments) ^ Objects.hashCode(ownerType) ^ rawType.hashCode();
    }

    @Override
    public String toString() {
      return getTypeName();
    }

    @Override
    public String getTypeName() {
      return rawType.getTypeName() + Arrays.stream(arguments).map(Type::getTypeName)
          .collect(Collectors.joining(", ", "<", ">"));
    }
  }

  private record GenericArray(Type component) implements GenericArrayType {

    @Override
    public Type getGenericComponentType() {
      return component;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof GenericArrayType that && component.equals(that.getGenericComponentType());
    }

    @Override
    public int hashCode() {
      return component.hashCode();
    }

    @Override
    public String toString() {
      return getTypeName();
    }

    @Override
    public String getTypeName() {
      return component.getTypeName() + "[]";
    }
  }

  private record Wildcard(Type[] upper, Type[] lower) implements WildcardType {

    @Override
    public Type[] getUpperBounds() {
      return upper.clone();
    }

    @Override
    public Type[] getLowerBounds() {
      return lower.clone();
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof WildcardType that
          && Arrays.equals(upper, that.getUpperBounds())
          && Arrays.equals(lower, that.getLowerBounds());
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(upper) ^ Arrays.hashCode(lower);
    }

    @Override
    public String toString() {
      return getTypeName();
    }

    @Override
    public String getTypeName() {
      if (lower.length > 0) {
        return "? super " + lower[0].getTypeName();
      }
      return upper[0] == Object.class ? "?" : "? extends " + upper[0].getTypeName();
    }
  }
}
