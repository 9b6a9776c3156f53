package dev.reactserver.state.processor.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The names of the accessor methods generated for one state field. Getter and setter follow JavaBeans
 * ({@code isOpen()} for a primitive {@code boolean open}); a primitive {@code boolean} field already
 * named {@code isOpen} gets {@code isOpen()} and {@code setOpen()}, as Kotlin names them.
 *
 * @param getter {@code getName} or {@code isName}
 * @param setter {@code setName}
 * @param updater {@code updateName}
 * @param ref {@code nameState}
 * @param listener {@code onNameChange}
 * @param incrementer {@code incrementName}, or null when the state is not numeric
 */
public record Accessors(
    String getter, String setter, String updater, String ref, String listener, String incrementer) {

  /** The accessor names of field {@code fieldName}. */
  public static Accessors of(String fieldName, boolean primitiveBoolean, boolean arithmetic) {
    boolean kotlinBoolean = primitiveBoolean && hasIsPrefix(fieldName);
    String property = kotlinBoolean ? fieldName.substring(2) : capitalize(fieldName);
    return new Accessors(
        (primitiveBoolean ? "is" : "get") + property,
        "set" + property,
        "update" + property,
        (kotlinBoolean ? decapitalize(property) : fieldName) + "State",
        "on" + property + "Change",
        arithmetic ? "increment" + property : null);
  }

  /** Every generated method name, in declaration order. */
  public List<String> all() {
    List<String> names = new ArrayList<>(List.of(getter, setter, updater, ref, listener));
    if (incrementer != null) {
      names.add(incrementer);
    }
    return names;
  }

  private static boolean hasIsPrefix(String name) {
    return name.length() > 2 && name.startsWith("is") && Character.isUpperCase(name.charAt(2));
  }

  private static String capitalize(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  private static String decapitalize(String name) {
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
