package dev.reactserver.state.processor.diagnostics;

/**
 * Every message the processor reports. Each starts with a stable tag in brackets and says the rule, the
 * culprit and the fix. Arguments are filled with {@link String#format}; tests assert on the tags.
 */
public final class Messages {

  public static final String PRIVATE_FIELD = "[StatePrivateField]";
  public static final String STATIC_FIELD = "[StateStaticField]";
  public static final String PRIVATE_COMPONENT = "[StatePrivateComponent]";
  public static final String INNER_COMPONENT = "[StateInnerComponent]";
  public static final String LOCAL_COMPONENT = "[StateLocalComponent]";
  public static final String RECORD_COMPONENT = "[StateRecordComponent]";
  public static final String INTERFACE_FIELD = "[StateInterfaceField]";
  public static final String ENUM_COMPONENT = "[StateEnumComponent]";
  public static final String BLANK_KEY = "[StateBlankKey]";
  public static final String KEY_TEXT = "[StateKeyText]";
  public static final String EMPTY_SCOPE = "[StateEmptyScope]";
  public static final String UNKNOWN_PLACEHOLDER = "[StateUnknownPlaceholder]";
  public static final String DUPLICATE_KEY = "[StateDuplicateKey]";
  public static final String TYPE_VARIABLE = "[StateTypeVariable]";
  public static final String ACCESSOR_CLASH = "[StateAccessorClash]";
  public static final String GENERATED_NAME_TAKEN = "[StateGeneratedNameTaken]";
  public static final String PROCESSOR_CRASH = "[StateProcessorCrash]";
  public static final String UNRESOLVED_TYPE = "[StateUnresolvedType]";
  public static final String INHERITED_FIELD_NOT_VISIBLE = "[StateInheritedFieldNotVisible]";
  public static final String SHARED_TYPE_CONFLICT = "[StateSharedTypeConflict]";

  private Messages() {}

  public static String privateField(String field, String component, String generated) {
    return String.format("%s @State field '%s' in %s must not be private: the generated %s reads its"
        + " initial value. Make it package-private (Kotlin: add @JvmField).",
        PRIVATE_FIELD, field, component, generated);
  }

  public static String staticField(String field, String component) {
    return String.format("%s @State field '%s' in %s must not be static: a state's initial value is read"
        + " from the component instance passed to bind. Remove 'static'; for one state shared by everyone"
        + " use a global scope, e.g. @State(scope = Scopes.GLOBAL).",
        STATIC_FIELD, field, component);
  }

  public static String privateComponent(String component, String generated) {
    return String.format("%s %s has @State fields but is private (or nested in a private class), so the"
        + " generated %s cannot see it. Make it package-private or public.",
        PRIVATE_COMPONENT, component, generated);
  }

  public static String innerComponent(String component) {
    return String.format("%s %s has @State fields but is an inner (non-static) class, which cannot be"
        + " bound without its enclosing instance. Declare it 'static'.",
        INNER_COMPONENT, component);
  }

  public static String localComponent(String field) {
    return String.format("%s @State field '%s' is declared in a local or anonymous class, for which no"
        + " accessor class can be generated. Move the state into a top-level or static nested class.",
        LOCAL_COMPONENT, field);
  }

  public static String recordComponent(String field, String component) {
    return String.format("%s @State '%s' in record %s cannot be state: record fields are private and"
        + " final. Use a class with a package-private field instead.",
        RECORD_COMPONENT, field, component);
  }

  public static String interfaceField(String field, String component) {
    return String.format("%s @State field '%s' in interface %s cannot be state: interface fields are"
        + " static and final. Declare it in a class instead.",
        INTERFACE_FIELD, field, component);
  }

  public static String enumComponent(String field, String component) {
    return String.format("%s @State field '%s' in enum %s cannot be state: enum constants are shared"
        + " singletons, not component instances. Declare it in a class instead.",
        ENUM_COMPONENT, field, component);
  }

  public static String blankKey(String field, String component) {
    return String.format("%s @State key of field '%s' in %s is blank. Leave 'key' out to use the field"
        + " name, or give a key with visible characters.",
        BLANK_KEY, field, component);
  }

  public static String keyText(String field, String component, String key) {
    return String.format("%s @State key \"%s\" of field '%s' in %s has leading or trailing whitespace"
        + " or control characters, which make keys that look equal differ. Remove them.",
        KEY_TEXT, printable(key), field, component);
  }

  public static String emptyScope(String field, String component) {
    return String.format("%s @State scope of field '%s' in %s is empty. Leave 'scope' out for the"
        + " component scope, or name one, e.g. Scopes.CLIENT or \"lobby\".",
        EMPTY_SCOPE, field, component);
  }

  public static String unknownPlaceholder(
      String field, String component, String scope, String placeholder, String suggestion) {
    String hint = suggestion == null ? "" : " Did you mean '" + suggestion + "'?";
    return String.format("%s @State scope \"%s\" of field '%s' in %s uses the unknown placeholder '%s'."
        + "%s Placeholders are $client, $user, $component and $global (see Scopes).",
        UNKNOWN_PLACEHOLDER, scope, field, component, placeholder, hint);
  }

  public static String duplicateKey(
      String field, String component, String scope, String key, String firstField) {
    return String.format("%s @State field '%s' in %s declares scope \"%s\" and key \"%s\", which field"
        + " %s already declares. Give one of them another key or scope.",
        DUPLICATE_KEY, field, component, scope, key, firstField);
  }

  public static String typeVariable(String field, String component, String type) {
    return String.format("%s @State field '%s' in %s has type %s, which mentions a type variable: one"
        + " stored value would be shared by every type argument. Use a concrete type.",
        TYPE_VARIABLE, field, component, type);
  }

  public static String accessorClash(String field, String component, String method, String other) {
    return String.format("%s @State field '%s' in %s needs the accessor %s(), which %s. Rename the field"
        + " (the key can stay the same with @State(key = ...)).",
        ACCESSOR_CLASH, field, component, method, other);
  }

  public static String generatedNameTaken(String component, String generated) {
    return String.format("%s %s has @State fields, but the type %s that would hold its accessors already"
        + " exists. Rename that type or the component.",
        GENERATED_NAME_TAKEN, component, generated);
  }

  public static String processorCrash(String component, String stackTrace) {
    return String.format("%s reactserver-state's StateProcessor failed unexpectedly on %s; please report"
        + " this with the stack trace:%n%s",
        PROCESSOR_CRASH, component, stackTrace);
  }

  public static String unresolvedType(String field, String component) {
    return String.format("%s the type of @State field '%s' in %s cannot be resolved, so no accessors were"
        + " generated for %s. Check the type's imports and spelling, or that the processor generating it"
        + " is on the processor path.",
        UNRESOLVED_TYPE, field, component, component);
  }

  public static String inheritedFieldNotVisible(
      String field, String owner, String component, String generated) {
    return String.format("%s @State field '%s' of %s, inherited by %s, is not visible to the generated %s"
        + " in another package. Make the field and its class public, or move %s into the package of %s.",
        INHERITED_FIELD_NOT_VISIBLE, field, owner, component, generated, component, owner);
  }

  public static String sharedTypeConflict(
      String field, String component, String scope, String key, String type, String other, String otherType) {
    return String.format("%s @State field '%s' in %s declares the shared state (scope \"%s\", key \"%s\")"
        + " as %s, but %s declares it as %s. Every declaration of a shared state needs the same type:"
        + " align the types, or give one of them another key or scope.",
        SHARED_TYPE_CONFLICT, field, component, scope, key, type, other, otherType);
  }

  private static String printable(String text) {
    StringBuilder out = new StringBuilder();
    text.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        out.append(String.format("\\u%04x", c));
      } else {
        out.appendCodePoint(c);
      }
    });
    return out.toString();
  }
}
