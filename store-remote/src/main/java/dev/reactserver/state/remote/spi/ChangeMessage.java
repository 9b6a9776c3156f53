package dev.reactserver.state.remote.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.reactserver.state.runtime.StateId;
import java.util.ArrayList;
import java.util.List;

/**
 * One message on a store's change channel, as the server's scripts and statements write it: a JSON object
 * {@code {"s": scope, "k": key, "o": old, "n": new, "d": deleted, "c": declaration, "t": type}} for a
 * write, where {@code "o"} and {@code "n"} hold encoded values as strings; or
 * {@code {"s": scope, "e": true}} when a whole scope ended, after the deletions of its states. One
 * message of the channel may also be a JSON array of such objects, in the order they were written.
 */
record ChangeMessage(
    StateId id, String scope, String oldValue, String newValue, boolean deleted, boolean scopeEnded,
    String declaration, String type) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The change or changes (a JSON array) of one message of the channel. */
  static List<ChangeMessage> parseAll(String text) {
    JsonNode node;
    try {
      node = JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a change message: " + text, e);
    }
    if (node == null || !(node.isObject() || node.isArray())) {
      throw new IllegalArgumentException("not a change message: " + text);
    }
    if (node.isObject()) {
      return List.of(parse(node));
    }
    List<ChangeMessage> changes = new ArrayList<>(node.size());
    for (JsonNode element : node) {
      if (!element.isObject()) {
        throw new IllegalArgumentException("not a change message: " + element);
      }
      changes.add(parse(element));
    }
    return changes;
  }

  private static ChangeMessage parse(JsonNode node) {
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
