package dev.reactserver.state.processor.validation;

import com.palantir.javapoet.TypeName;
import dev.reactserver.state.processor.diagnostics.Messages;
import dev.reactserver.state.processor.diagnostics.Reporter;
import dev.reactserver.state.processor.model.Component;
import dev.reactserver.state.processor.model.StateField;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.lang.model.element.VariableElement;

/**
 * Remembers every shared state declared in this compilation (all rounds) and reports two declarations
 * of one scope and key with different types, on each field. Shared means any scope without
 * {@code $component}: global, {@code $client}, {@code $user} and composites of those. Primitives and
 * their boxes count as one type: both store the box.
 */
public final class SharedStateTypes {

  private record Declaration(String component, StateField field) {
    TypeName storedType() {
      return field.type().withoutAnnotations().box();
    }

    String describe() {
      return component + "." + field.name();
    }
  }

  private final Reporter reporter;
  private final Map<String, Declaration> firstById = new HashMap<>();
  private final Set<VariableElement> reported = new HashSet<>();

  public SharedStateTypes(Reporter reporter) {
    this.reporter = reporter;
  }

  /** Registers the states of {@code component}; returns false if one conflicts with an earlier declaration. */
  public boolean register(Component component) {
    boolean clean = true;
    String name = component.type().canonicalName();
    for (StateField field : component.fields()) {
      if (field.scope().contains("$component")) {
        continue;
      }
      Declaration current = new Declaration(name, field);
      Declaration first = firstById.putIfAbsent(field.scope() + "\u0000" + field.key(), current);
      if (first == null || first.field.element().equals(field.element())
          || first.storedType().equals(current.storedType())) {
        continue;
      }
      clean = false;
      report(current, first);
      report(first, current);
    }
    return clean;
  }

  private void report(Declaration at, Declaration other) {
    if (reported.add(at.field.element())) {
      reporter.error(at.field.element(), Messages.sharedTypeConflict(at.field.name(), at.component,
          at.field.scope(), at.field.key(), at.field.type().toString(), other.describe(),
          other.field.type().toString()));
    }
  }
}
