package dev.reactserver.state.processor.generation;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.WildcardTypeName;

/**
 * Writes the runtime description of a state's declared type: {@code StateType.<Integer>of(int.class)}, or for a
 * generic type {@code StateType.<List<String>>ofType(Types.parameterized(List.class, String.class))}.
 * State types never mention type variables (validation rejects them), so every part has a class literal.
 */
final class StateTypes {

  private static final String RUNTIME = "dev.reactserver.state.runtime";
  private static final ClassName STATE_TYPE = ClassName.get(RUNTIME + ".spi", "StateType");
  private static final ClassName TYPES = ClassName.get(RUNTIME + ".spi", "Types");

  private StateTypes() {}

  /** The expression of type {@code StateType<boxed type>}. */
  static CodeBlock of(TypeName type) {
    TypeName bare = type.withoutAnnotations();
    if (isReifiable(bare)) {
      return CodeBlock.of("$T.<$T>of($T.class)", STATE_TYPE, type.box(), bare);
    }
    return CodeBlock.of("$T.<$T>ofType($L)", STATE_TYPE, type.box(), reflect(bare));
  }

  /** An expression of type {@code java.lang.reflect.Type}. */
  private static CodeBlock reflect(TypeName type) {
    TypeName bare = type.withoutAnnotations();
    if (isReifiable(bare)) {
      return CodeBlock.of("$T.class", bare);
    }
    if (bare instanceof ParameterizedTypeName parameterized) {
      CodeBlock.Builder call = CodeBlock.builder().add("$T.parameterized($T.class", TYPES, parameterized.rawType());
      for (TypeName argument : parameterized.typeArguments()) {
        call.add(",$W$L", reflect(argument));
      }
      return call.add(")").build();
    }
    if (bare instanceof ArrayTypeName array) {
      return CodeBlock.of("$T.arrayOf($L)", TYPES, reflect(array.componentType()));
    }
    if (bare instanceof WildcardTypeName wildcard) {
      if (!wildcard.lowerBounds().isEmpty()) {
        return CodeBlock.of("$T.supertypeOf($L)", TYPES, reflect(wildcard.lowerBounds().get(0)));
      }
      TypeName upper = wildcard.upperBounds().get(0);
      return upper.equals(ClassName.OBJECT)
          ? CodeBlock.of("$T.wildcard()", TYPES)
          : CodeBlock.of("$T.subtypeOf($L)", TYPES, reflect(upper));
    }
    throw new IllegalArgumentException("not a state type: " + type);
  }

  /** Whether {@code type} (without annotations) has a class literal. */
  private static boolean isReifiable(TypeName type) {
    if (type.isPrimitive() || type instanceof ClassName) {
      return true;
    }
    return type instanceof ArrayTypeName array && isReifiable(array.componentType().withoutAnnotations());
  }
}
