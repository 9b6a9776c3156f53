package dev.reactserver.state.processor.validation;

import java.util.function.Predicate;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;

/** Looks through a type and its type arguments, array components and wildcard bounds. */
final class TypeScan {

  private TypeScan() {}

  static boolean anyMatch(TypeMirror type, Predicate<TypeMirror> test) {
    if (type == null) {
      return false;
    }
    if (test.test(type)) {
      return true;
    }
    if (type instanceof ArrayType array) {
      return anyMatch(array.getComponentType(), test);
    }
    if (type instanceof WildcardType wildcard) {
      return anyMatch(wildcard.getExtendsBound(), test) || anyMatch(wildcard.getSuperBound(), test);
    }
    if (type instanceof DeclaredType declared) {
      for (TypeMirror argument : declared.getTypeArguments()) {
        if (anyMatch(argument, test)) {
          return true;
        }
      }
      return anyMatch(declared.getEnclosingType(), test);
    }
    return false;
  }
}
