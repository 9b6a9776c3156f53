package dev.reactserver.state.processor.validation;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeVariableName;
import dev.reactserver.state.processor.diagnostics.Messages;
import dev.reactserver.state.processor.diagnostics.Reporter;
import dev.reactserver.state.processor.generation.Names;
import dev.reactserver.state.processor.model.Accessors;
import dev.reactserver.state.processor.model.Component;
import dev.reactserver.state.processor.model.StateField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;

/**
 * Reads a component class into a {@link Component}, reporting every problem it finds (not just the
 * first) against the most precise element or annotation value. A component with any error yields no
 * model, so nothing is generated for it.
 */
public final class ComponentReader {

  /** The fully qualified name of the annotation this processor handles. */
  public static final String STATE_ANNOTATION = "dev.reactserver.state.State";

  private final Elements elements;
  private final Reporter reporter;
  private final Predicate<TypeElement> declaredInSource;

  /**
   * @param declaredInSource whether a type is declared in this compilation's sources (as opposed to a
   *     class file, which may be this processor's own output of an earlier build)
   */
  public ComponentReader(Elements elements, Reporter reporter, Predicate<TypeElement> declaredInSource) {
    this.elements = elements;
    this.reporter = reporter;
    this.declaredInSource = declaredInSource;
  }

  /** The outcome of reading one component. */
  public sealed interface Result {}

  /** The component is valid. */
  public record Valid(Component component) implements Result {}

  /** The component has errors, all reported. */
  public record Invalid() implements Result {}

  /** A state's type is not resolved yet (another processor may generate it in a later round). */
  public record Unresolved(VariableElement field) implements Result {}

  /** Reads {@code type}, which declares or inherits {@code @State} fields. */
  public Result read(TypeElement type) {
    List<VariableElement> ownFields = stateFields(type);
    List<VariableElement> allFields = new ArrayList<>(inheritedStateFields(type));
    allFields.addAll(ownFields);
    for (VariableElement field : allFields) {
      if (containsErrorType(field.asType())) {
        return new Unresolved(field);
      }
    }
    int errorsBefore = reporter.errorCount();
    ClassName typeName = ClassName.get(type);
    ClassName accessorClass = Names.accessorClass(typeName);
    if (!checkComponentKind(type, ownFields)) {
      return new Invalid();
    }
    checkAccessible(type, accessorClass);
    checkGeneratedNameFree(type, accessorClass);

    List<StateField> fields = new ArrayList<>();
    Map<String, StateField> byId = new LinkedHashMap<>();
    Map<String, StateField> byAccessor = new LinkedHashMap<>();
    for (VariableElement field : allFields) {
      Reporter fieldReporter = reporterFor(type, field);
      Optional<StateField> state = readField(type, field, accessorClass, fieldReporter);
      if (state.isEmpty()) {
        continue;
      }
      StateField current = state.get();
      StateField first = byId.putIfAbsent(current.scope() + "\u0000" + current.key(), current);
      if (first != null) {
        fieldReporter.error(field, Messages.duplicateKey(
            current.name(), typeName.canonicalName(), current.scope(), current.key(), describe(first, type)));
      }
      checkAccessorClash(type, current, byAccessor, fieldReporter);
      fields.add(current);
    }
    if (reporter.errorCount() > errorsBefore) {
      return new Invalid();
    }
    List<TypeVariableName> typeVariables = type.getTypeParameters().stream()
        .map(TypeVariableName::get)
        .toList();
    return new Valid(new Component(type, typeName, typeVariables, accessorClass, fields));
  }

  /**
   * Own fields report on themselves. An inherited field reports nothing if its class is compiled now
   * (that class reports its own errors), and on the component if it comes from a class file.
   */
  private Reporter reporterFor(TypeElement component, VariableElement field) {
    TypeElement owner = (TypeElement) field.getEnclosingElement();
    if (owner.equals(component)) {
      return reporter;
    }
    return declaredInSource.test(owner) ? reporter.muted() : reporter.redirectedTo(component);
  }

  /** The {@code @State} fields of every superclass of {@code type}, the topmost class's first. */
  public static List<VariableElement> inheritedStateFields(TypeElement type) {
    List<VariableElement> fields = new ArrayList<>();
    for (TypeElement superclass = superclass(type); superclass != null; superclass = superclass(superclass)) {
      fields.addAll(0, stateFields(superclass));
    }
    return fields;
  }

  private static TypeElement superclass(TypeElement type) {
    TypeMirror superclass = type.getSuperclass();
    if (superclass.getKind() != TypeKind.DECLARED) {
      return null;
    }
    TypeElement element = (TypeElement) ((DeclaredType) superclass).asElement();
    return element.getQualifiedName().contentEquals("java.lang.Object") ? null : element;
  }

  private static String describe(StateField field, TypeElement component) {
    return field.owner().equals(component.getQualifiedName().toString())
        ? "'" + field.name() + "'"
        : "'" + field.name() + "' (inherited from " + field.owner() + ")";
  }

  /** The fields of {@code type} annotated with {@code @State}, in declaration order. */
  public static List<VariableElement> stateFields(TypeElement type) {
    List<VariableElement> fields = new ArrayList<>();
    for (Element member : type.getEnclosedElements()) {
      if ((member.getKind() == ElementKind.FIELD || member.getKind() == ElementKind.ENUM_CONSTANT)
          && stateAnnotation(member) != null) {
        fields.add((VariableElement) member);
      }
    }
    return fields;
  }

  /** Reports a state in a record, interface or enum on each field; returns whether the kind is a class. */
  private boolean checkComponentKind(TypeElement type, List<VariableElement> fields) {
    if (type.getKind() == ElementKind.CLASS) {
      return true;
    }
    String name = type.getQualifiedName().toString();
    for (VariableElement field : fields) {
      String fieldName = field.getSimpleName().toString();
      switch (type.getKind()) {
        case RECORD -> reporter.error(field, Messages.recordComponent(fieldName, name));
        case ENUM -> reporter.error(field, Messages.enumComponent(fieldName, name));
        default -> reporter.error(field, Messages.interfaceField(fieldName, name));
      }
    }
    return false;
  }

  private void checkAccessible(TypeElement type, ClassName accessorClass) {
    String name = type.getQualifiedName().toString();
    if (type.getNestingKind() == NestingKind.LOCAL || type.getNestingKind() == NestingKind.ANONYMOUS) {
      for (VariableElement field : stateFields(type)) {
        reporter.error(field, Messages.localComponent(field.getSimpleName().toString()));
      }
      return;
    }
    if (type.getNestingKind() == NestingKind.MEMBER && !type.getModifiers().contains(Modifier.STATIC)) {
      reporter.error(type, Messages.innerComponent(name));
    }
    for (Element e = type; e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (e.getModifiers().contains(Modifier.PRIVATE)) {
        reporter.error(type, Messages.privateComponent(name, accessorClass.canonicalName()));
        return;
      }
    }
  }

  private void checkGeneratedNameFree(TypeElement type, ClassName accessorClass) {
    TypeElement existing = elements.getTypeElement(accessorClass.canonicalName());
    if (existing != null && declaredInSource.test(existing)) {
      reporter.error(type, Messages.generatedNameTaken(
          type.getQualifiedName().toString(), accessorClass.canonicalName()));
    }
  }

  private Optional<StateField> readField(
      TypeElement type, VariableElement field, ClassName accessorClass, Reporter reporter) {
    TypeElement owner = (TypeElement) field.getEnclosingElement();
    String component = owner.getQualifiedName().toString();
    String name = field.getSimpleName().toString();
    int errorsBefore = reporter.errorCount();
    if (!owner.equals(type) && !visibleFromPackageOf(type, field)) {
      // About the subclass, not the field's own class: always reported, on the subclass.
      this.reporter.redirectedTo(type).error(field, Messages.inheritedFieldNotVisible(
          name, component, type.getQualifiedName().toString(), accessorClass.canonicalName()));
    }
    if (field.getModifiers().contains(Modifier.PRIVATE)) {
      reporter.error(field, Messages.privateField(name, component, accessorClass.simpleName()));
    }
    if (field.getModifiers().contains(Modifier.STATIC)) {
      reporter.error(field, Messages.staticField(name, component));
    }

    AnnotationMirror annotation = stateAnnotation(field);
    AnnotationValue keyValue = explicitValue(annotation, "key");
    String key = name;
    if (keyValue != null && !keyValue.getValue().toString().isEmpty()) {
      key = keyValue.getValue().toString();
      if (key.isBlank()) {
        reporter.error(field, annotation, keyValue, Messages.blankKey(name, component));
      } else if (!key.strip().equals(key) || key.chars().anyMatch(Character::isISOControl)) {
        reporter.error(field, annotation, keyValue, Messages.keyText(name, component, key));
      }
    }

    AnnotationValue scopeValue = explicitValue(annotation, "scope");
    String scope = scopeValue == null ? "$component" : scopeValue.getValue().toString();
    if (scope.isEmpty()) {
      reporter.error(field, annotation, scopeValue, Messages.emptyScope(name, component));
    }
    for (String unknown : ScopeSyntax.unknownPlaceholders(scope)) {
      reporter.error(field, annotation, scopeValue, Messages.unknownPlaceholder(
          name, component, scope, unknown, ScopeSyntax.suggestion(unknown)));
    }

    TypeMirror fieldType = field.asType();
    if (mentionsTypeVariable(fieldType)) {
      reporter.error(field, Messages.typeVariable(name, component, fieldType.toString()));
    }
    if (reporter.errorCount() > errorsBefore) {
      return Optional.empty();
    }
    TypeName typeName = TypeName.get(fieldType);
    boolean primitiveBoolean = fieldType.getKind() == TypeKind.BOOLEAN;
    boolean needsUser = ScopeSyntax.usesUser(scope);
    StateField probe = new StateField(field, component, name, key, scope, needsUser, typeName, null);
    Accessors accessors = Accessors.of(name, primitiveBoolean, probe.isArithmetic());
    return Optional.of(new StateField(field, component, name, key, scope, needsUser, typeName, accessors));
  }

  private void checkAccessorClash(
      TypeElement component, StateField field, Map<String, StateField> byAccessor, Reporter reporter) {
    String componentName = component.getQualifiedName().toString();
    for (String method : field.accessors().all()) {
      if (method.equals("getClass")) {
        reporter.error(field.element(), Messages.accessorClash(
            field.name(), componentName, method, "java.lang.Object declares as final"));
        return;
      }
      StateField other = byAccessor.putIfAbsent(method.toLowerCase(Locale.ROOT), field);
      if (other != null && other != field) {
        String otherMethod = other.accessors().all().stream()
            .filter(m -> m.equalsIgnoreCase(method))
            .findFirst()
            .orElse(method);
        reporter.error(field.element(), Messages.accessorClash(field.name(), componentName,
            method, "field " + describe(other, component) + " also needs (as " + otherMethod + "())"));
        return;
      }
    }
  }

  /** Whether the generated class, in {@code component}'s package, can read inherited {@code field}. */
  private boolean visibleFromPackageOf(TypeElement component, VariableElement field) {
    TypeElement owner = (TypeElement) field.getEnclosingElement();
    if (elements.getPackageOf(owner).equals(elements.getPackageOf(component))) {
      return true;
    }
    for (Element e = field; e instanceof VariableElement || e instanceof TypeElement; e = e.getEnclosingElement()) {
      if (!e.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  static AnnotationMirror stateAnnotation(Element element) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement annotationType = (TypeElement) mirror.getAnnotationType().asElement();
      if (annotationType.getQualifiedName().contentEquals(STATE_ANNOTATION)) {
        return mirror;
      }
    }
    return null;
  }

  private static AnnotationValue explicitValue(AnnotationMirror annotation, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
        : annotation.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  private static boolean mentionsTypeVariable(TypeMirror type) {
    return TypeScan.anyMatch(type, t -> t.getKind() == TypeKind.TYPEVAR);
  }

  private static boolean containsErrorType(TypeMirror type) {
    return TypeScan.anyMatch(type, t -> t.getKind() == TypeKind.ERROR);
  }
}
