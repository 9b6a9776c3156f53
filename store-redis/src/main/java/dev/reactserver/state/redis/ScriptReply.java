package dev.reactserver.state.redis;

import dev.reactserver.state.remote.spi.StoredState;
import dev.reactserver.state.runtime.StateId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A script's reply, read by field name: a script answers a flat list of names and values, such as
 * {@code {'old', old value, 'version', version}}, or a list of such records (load, list). The two
 * answers that carry no fields stay as they were: {@code {}} (no such state) and {@code {-1}} (another
 * update holds it), which callers check before reading fields.
 */
final class ScriptReply {

  private final Map<String, Object> fields;

  private ScriptReply(Map<String, Object> fields) {
    this.fields = fields;
  }

  /** The fields of {@code reply}, a list of names and values. */
  static ScriptReply of(List<?> reply) {
    if (reply.size() % 2 != 0) {
      throw new IllegalStateException("a script answered " + reply + ", not names and values");
    }
    Map<String, Object> fields = new HashMap<>(reply.size());
    for (int i = 0; i < reply.size(); i += 2) {
      fields.put(String.valueOf(reply.get(i)), reply.get(i + 1));
    }
    return new ScriptReply(fields);
  }

  /** The records of a reply that lists several, each a list of names and values. */
  static List<ScriptReply> records(List<?> reply) {
    return reply.stream().map(record -> of((List<?>) record)).toList();
  }

  /** The text of field {@code name}, or null if the script answered nil. */
  String text(String name) {
    Object value = field(name);
    return value == null ? null : value.toString();
  }

  /** The number in field {@code name}. */
  long number(String name) {
    Object value = Objects.requireNonNull(field(name), name);
    return value instanceof Long number ? number : Long.parseLong(value.toString());
  }

  /** Whether field {@code name} holds 1 (a script's yes). */
  boolean isSet(String name) {
    return number(name) == 1;
  }

  /** The state a record describes ({@code value}, {@code version}, {@code declaration}, {@code type}). */
  StoredState state(StateId id) {
    return new StoredState(id, text("value"), number("version"), Objects.toString(field("declaration"), ""),
        Objects.toString(field("type"), ""));
  }

  private Object field(String name) {
    if (!fields.containsKey(name)) {
      throw new IllegalStateException("a script answered no field '" + name + "' in " + fields.keySet());
    }
    return fields.get(name);
  }
}
