package dev.reactserver.state.processor.model;

import com.palantir.javapoet.TypeName;
import java.util.List;
import javax.lang.model.element.VariableElement;

/**
 * One validated {@code @State} field: where it is, what it stores and the accessors it gets.
 *
 * @param element the field
 * @param owner the qualified name of the class that declares the field (a superclass, for inherited states)
 * @param name the field's name
 * @param key the state's key (the field name when the annotation gives none)
 * @param scope the scope template as written, e.g. {@code "cart.$client"}
 * @param needsUser whether the scope substitutes the user's id ({@code $user}, {@code "cart.$user"}), so
 *     that the state can be used only in a context with a user
 * @param type the field's type, with type arguments
 * @param accessors the names of the generated accessor methods
 */
public record StateField(
    VariableElement element, String owner, String name, String key, String scope, boolean needsUser, TypeName type,
    Accessors accessors) {

  /** The numeric kinds whose states get an {@code increment…} accessor. */
  private static final List<TypeName> ARITHMETIC = List.of(TypeName.INT, TypeName.LONG, TypeName.DOUBLE);

  /** Whether the state holds {@code int}, {@code long}, {@code double} or one of their boxes. */
  public boolean isArithmetic() {
    TypeName primitive = primitiveType();
    return primitive != null && ARITHMETIC.contains(primitive);
  }

  /** The primitive type of this state, unboxing boxes; or null for other reference types. */
  public TypeName primitiveType() {
    if (type.isPrimitive()) {
      return type;
    }
    try {
      return type.unbox();
    } catch (UnsupportedOperationException notABox) {
      return null;
    }
  }

  /** The scope and key pair that names the state. */
  public String describeId() {
    return "scope \"" + scope + "\", key \"" + key + "\"";
  }
}
