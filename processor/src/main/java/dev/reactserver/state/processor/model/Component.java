package dev.reactserver.state.processor.model;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeVariableName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A validated component class and its states, ready for generation.
 *
 * @param element the component class
 * @param type the component's raw class name
 * @param typeVariables the component's type parameters, copied onto the accessor class
 * @param accessorClass the name of the generated accessor class
 * @param fields the states, in declaration order
 */
public record Component(
    TypeElement element,
    ClassName type,
    List<TypeVariableName> typeVariables,
    ClassName accessorClass,
    List<StateField> fields) {

  public Component {
    typeVariables = List.copyOf(typeVariables);
    fields = List.copyOf(fields);
  }
}
