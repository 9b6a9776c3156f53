package dev.reactserver.state.dynamodb;

import dev.reactserver.state.remote.spi.StoreMessages;
import dev.reactserver.state.remote.spi.StoredState;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The items of the store's table and their attributes.
 *
 * <p>Key attributes {@code pk} (hash) and {@code sk} (range), both strings, hold each text as
 * {@code "=" + text}, or {@code "#" + SHA-256 hex} when it is longer than {@value #MAX_KEY_TEXT_BYTES}
 * bytes (DynamoDB keys take 2048 and 1024 bytes); the full texts are attributes of the item.
 * <ul>
 *   <li>a state: {@code pk} its scope, {@code sk} its key; {@code s} scope, {@code k} key, the value as
 *       {@code n} (a number, for integer values, so that increments are one {@code ADD}) or {@code v} (JSON
 *       text), {@code ver}, {@code c} declaration, {@code t} type, and for client states {@code exp}
 *       (expiry, epoch milliseconds) and {@code ttl} (epoch seconds, the table's TTL attribute); while an
 *       update holds it, {@code hold} (the holder's token) and {@code held_until} (epoch milliseconds);
 *   <li>an owner link: {@code pk} {@code "@"} + an owner scope ({@code $client(…)}, {@code $user(…)},
 *       {@code $component(…)}), {@code sk} a scope holding states of that owner, {@code s} that scope, and
 *       {@code exp}/{@code ttl} for clients: what {@code endClient} and the idle sweep look up, read
 *       strongly consistent;
 *   <li>a scope's end, for other instances' stream readers: {@code pk} {@code "~end"}, written and deleted
 *       at once.
 * </ul>
 */
final class Items {

  static final String PK = "pk";
  static final String SK = "sk";
  static final String SCOPE = "s";
  static final String KEY = "k";
  static final String VALUE = "v";
  static final String NUMBER = "n";
  static final String VERSION = "ver";
  static final String DECLARATION = "c";
  static final String TYPE = "t";
  static final String EXPIRES = "exp";
  static final String TTL = "ttl";
  static final String HOLD = "hold";
  static final String HOLD_UNTIL = "held_until";
  static final String END = "~end";

  /** The longest text a key attribute holds as it is; longer ones are held as their digest. */
  static final int MAX_KEY_TEXT_BYTES = 1_000;
  /** DynamoDB's limit on one item. */
  static final int MAX_ITEM_BYTES = 400 * 1024;

  private static final Pattern LONG_LITERAL = Pattern.compile("-?(0|[1-9][0-9]{0,18})");

  private Items() {}

  /** The key attribute form of {@code text}. */
  static String keyText(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_KEY_TEXT_BYTES) {
      return "=" + text;
    }
    try {
      return "#" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static Map<String, AttributeValue> stateKey(StateId id) {
    return Map.of(PK, text(keyText(id.scope())), SK, text(keyText(id.key())));
  }

  static Map<String, AttributeValue> linkKey(String owner, String scope) {
    return Map.of(PK, text(ownerPartition(owner)), SK, text(keyText(scope)));
  }

  static String ownerPartition(String owner) {
    return "@" + keyText(owner);
  }

  /** Whether an item of the table is a state (not an owner link or an end marker). */
  static boolean isState(Map<String, AttributeValue> item) {
    AttributeValue pk = item.get(PK);
    return pk != null && pk.s() != null && !pk.s().isEmpty()
        && (pk.s().charAt(0) == '=' || pk.s().charAt(0) == '#');
  }

  static boolean isEnd(Map<String, AttributeValue> item) {
    AttributeValue pk = item.get(PK);
    return pk != null && END.equals(pk.s());
  }

  static AttributeValue text(String text) {
    return AttributeValue.fromS(text);
  }

  static AttributeValue number(long number) {
    return AttributeValue.fromN(Long.toString(number));
  }

  /** Whether an encoded value is kept as a number ({@code n}): an integer in the range of {@code long}. */
  static boolean isNumber(String encoded) {
    if (!LONG_LITERAL.matcher(encoded).matches()) {
      return false;
    }
    try {
      Long.parseLong(encoded);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The value attribute that holds {@code encoded}, {@code n} or {@code v}. */
  static String valueAttribute(String encoded) {
    return isNumber(encoded) ? NUMBER : VALUE;
  }

  static AttributeValue valueOf(String encoded) {
    return isNumber(encoded) ? AttributeValue.fromN(encoded) : text(encoded);
  }

  /** The encoded value of a state item, or null if it holds none. */
  static String value(Map<String, AttributeValue> item) {
    AttributeValue number = item.get(NUMBER);
    if (number != null && number.n() != null) {
      return new BigDecimal(number.n()).toBigIntegerExact().toString();
    }
    AttributeValue text = item.get(VALUE);
    return text == null ? null : text.s();
  }

  static long version(Map<String, AttributeValue> item) {
    AttributeValue version = item.get(VERSION);
    return version == null ? 0 : Long.parseLong(version.n());
  }

  static String string(Map<String, AttributeValue> item, String attribute) {
    AttributeValue value = item.get(attribute);
    return value == null || value.s() == null ? "" : value.s();
  }

  /** Whether a client state or link has expired at {@code nowMillis}, which makes it gone for readers. */
  static boolean expired(Map<String, AttributeValue> item, long nowMillis) {
    AttributeValue expires = item.get(EXPIRES);
    return expires != null && expires.n() != null && Long.parseLong(expires.n()) < nowMillis;
  }

  static StateId id(Map<String, AttributeValue> item) {
    return StateId.of(string(item, SCOPE), string(item, KEY));
  }

  static StoredState stored(Map<String, AttributeValue> item) {
    return new StoredState(id(item), value(item), version(item), string(item, DECLARATION), string(item, TYPE));
  }

  /** A state item as created: version 1, the seed's value, declaration, type and expiry. */
  static Map<String, AttributeValue> newState(StateId id, String value, String declaration, String type,
      long expiresAtMillis) {
    Map<String, AttributeValue> item = new HashMap<>(stateKey(id));
    item.put(SCOPE, text(id.scope()));
    item.put(KEY, text(id.key()));
    item.put(valueAttribute(value), valueOf(value));
    item.put(VERSION, number(1));
    if (!declaration.isEmpty()) {
      item.put(DECLARATION, text(declaration));
    }
    item.put(TYPE, text(type));
    if (expiresAtMillis > 0) {
      item.put(EXPIRES, number(expiresAtMillis));
      item.put(TTL, number(ttlSeconds(expiresAtMillis)));
    }
    return item;
  }

  /** The TTL attribute for an expiry: AWS deletes the item some time after it. */
  static long ttlSeconds(long expiresAtMillis) {
    return expiresAtMillis / 1000 + 1;
  }

  /**
   * Refuses, before anything is sent, a state whose item would exceed DynamoDB's 400 KB: DynamoDB counts
   * the UTF-8 bytes of attribute names and values.
   */
  static void requireFits(StateId id, Map<String, AttributeValue> item) {
    long bytes = 0;
    for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
      bytes += attribute.getKey().length();
      AttributeValue value = attribute.getValue();
      bytes += value.s() != null ? utf8Length(value.s()) : value.n() != null ? value.n().length() : 1;
    }
    if (bytes > MAX_ITEM_BYTES) {
      throw new StateException("state " + StoreMessages.shortened(id) + " cannot be stored by DynamoDbStore: its item would"
          + " take " + bytes + " bytes, more than DynamoDB's limit of " + MAX_ITEM_BYTES + " bytes (400 KB)");
    }
  }

  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
