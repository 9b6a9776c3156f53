package dev.reactserver.state.remote.spi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactserver.state.runtime.spi.StateDeclaration;

/**
 * The declaration a server state was bound with, as the store keeps it: data, not message text. The
 * stored form is a versioned JSON object, {@code {"v":1,"component":"shop.Cart","field":"items",
 * "type":"int"}}; messages are made from it ({@link #describe()}), never parsed back. Later versions read
 * version 1 as it is; a form this version does not know (a newer {@code v}, or not this object) counts
 * as another field's declaration, so a bind names it in a {@code StateTypeException} instead of
 * overwriting it.
 *
 * @param component the component class that declares the state
 * @param field the field
 * @param type the declared type's name, e.g. {@code java.util.List<java.lang.String>}
 */
record StoredDeclaration(String component, String field, String type) {

  /** The version of the stored form this class writes. */
  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  static StoredDeclaration of(StateDeclaration<?> declaration) {
    return new StoredDeclaration(declaration.component(), declaration.field(), declaration.type().toString());
  }

  /** The stored form of {@code declaration}. */
  static String encode(StateDeclaration<?> declaration) {
    return of(declaration).encode();
  }

  String encode() {
    try {
      return JSON.writeValueAsString(JSON.createObjectNode().put("v", VERSION).put("component", component)
          .put("field", field).put("type", type));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an object of four strings is always JSON", e);
    }
  }

  /** The declaration {@code stored} holds, or null if it is not a form this version reads. */
  static StoredDeclaration decode(String stored) {
    try {
      JsonNode node = JSON.readTree(stored);
      if (node == null || !node.isObject() || node.path("v").asInt() != VERSION
          || !node.path("component").isTextual() || !node.path("field").isTextual()
          || !node.path("type").isTextual()) {
        return null;
      }
      return new StoredDeclaration(node.get("component").asText(), node.get("field").asText(),
          node.get("type").asText());
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Whether both name the same field of the same component (whatever its type). */
  boolean sameField(StoredDeclaration other) {
    return component.equals(other.component) && field.equals(other.field);
  }

  /** The declaration for messages, as {@link StateDeclaration#describe()} words it. */
  String describe() {
    return component + "." + field + " (" + type + ")";
  }

  /** For messages about a stored text that is not a declaration this version reads. */
  static String describe(String stored) {
    StoredDeclaration declaration = decode(stored);
    return declaration != null ? declaration.describe() : "a declaration stored as " + stored;
  }
}
