package dev.reactserver.state.remote.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactserver.state.runtime.StateId;

/**
 * One message on a store's change channel, as the server's scripts and statements write it: a JSON object
 * {@code {"s": scope, "k": key, "o": old, "n": new, "d": deleted, "c": declaration, "t": type}} for a
 * write, where {@code "o"} and {@code "n"} hold encoded values as strings; or
 * {@code {"s": scope, "e": true}} when a whole scope ended, after the deletions of its states.
 */
record ChangeMessage(
    StateId id, String scope, String oldValue, String newValue, boolean deleted, boolean scopeEnded,
    String declaration, String type) {

  private static final ObjectMapper JSON = new ObjectMapper();

  static ChangeMessage parse(String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a change message: " + text, e);
    }
    String scope = node.path("s").asText();
    if (node.path("e").asBoolean(false)) {
      return new ChangeMessage(null, scope, null, null, false, true, "", "");
    }
    return new ChangeMessage(StateId.of(scope, node.path("k").asText()), scope, text(node, "o"),
        text(node, "n"), node.path("d").asBoolean(false), false, node.path("c").asText(""), node.path("t").asText(""));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
