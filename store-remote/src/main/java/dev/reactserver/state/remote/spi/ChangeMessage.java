package dev.reactserver.state.remote.spi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.reactserver.state.runtime.StateId;
import java.util.ArrayList;
import java.util.List;

/**
 * One change a store's server tells every node: a write or deletion of a state, or the end of a scope
 * after the deletions of its states. A store whose channel carries values hands them to
 * {@link RemoteStore#receive(ChangeMessage)}; one whose channel carries text (scripts and statements
 * on the server write it) hands the text to {@link RemoteStore#receive(String)}, in this format: a JSON
 * object {@code {"s": scope, "k": key, "o": old, "n": new, "d": deleted, "c": declaration, "t": type}}
 * for a write, where {@code "o"} and {@code "n"} hold encoded values as strings (null when there is
 * none); or {@code {"s": scope, "e": true}} when a scope ended; or a JSON array of such objects, in the
 * order they were written. {@link #toJson()} writes that format.
 *
 * @param id the state; null when a scope ended
 * @param scope the resolved scope
 * @param oldValue the encoded value before the change, null if there was none
 * @param newValue the encoded value after it, null for a deletion
 * @param deleted whether the state was deleted
 * @param scopeEnded whether the whole scope ended
 * @param declaration the state's declaration as stored ({@code ""} if none)
 * @param type the state's type name as stored ({@code ""} if none)
 */
public record ChangeMessage(
    StateId id, String scope, String oldValue, String newValue, boolean deleted, boolean scopeEnded,
    String declaration, String type) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A write of the state {@code id} from {@code oldValue} to {@code newValue}. */
  public static ChangeMessage written(StateId id, String oldValue, String newValue, String declaration,
      String type) {
    return new ChangeMessage(id, id.scope(), oldValue, newValue, false, false, declaration, type);
  }

  /** The deletion of the state {@code id}, which held {@code oldValue}. */
  public static ChangeMessage deleted(StateId id, String oldValue, String declaration, String type) {
    return new ChangeMessage(id, id.scope(), oldValue, null, true, false, declaration, type);
  }

  /** The end of {@code scope}, told after the deletions of its states. */
  public static ChangeMessage scopeEnded(String scope) {
    return new ChangeMessage(null, scope, null, null, false, true, "", "");
  }

  /** This change in the channel's text format. */
  public String toJson() {
    ObjectNode node = JSON.createObjectNode().put("s", scope);
    if (scopeEnded) {
      return node.put("e", true).toString();
    }
    return node.put("k", id.key()).put("o", oldValue).put("n", newValue).put("d", deleted)
        .put("c", declaration).put("t", type).toString();
  }

  /**
   * The change or changes (a JSON array) of one message of the channel.
   *
   * @throws IllegalArgumentException if {@code text} is not in the format above
   */
  public static List<ChangeMessage> parseAll(String text) {
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
      return scopeEnded(scope);
    }
    return new ChangeMessage(StateId.of(scope, node.path("k").asText()), scope, text(node, "o"),
        text(node, "n"), node.path("d").asBoolean(false), false, node.path("c").asText(""), node.path("t").asText(""));
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }
}
