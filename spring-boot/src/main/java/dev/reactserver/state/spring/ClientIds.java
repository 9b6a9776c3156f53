package dev.reactserver.state.spring;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues client ids and recognizes the ones it issued. A client id is 144 random bits; the cookie
 * carries it with an HMAC-SHA256 tag under a key shared by every node, so that a value the server did
 * not issue (guessed, forged, or cut short) is never taken as a client: it only ever yields a new client.
 * Thread-safe.
 */
public final class ClientIds {

  /** The shortest signing key accepted, in bytes. */
  public static final int MIN_KEY_BYTES = 32;

  private static final int ID_BYTES = 18;
  private static final int ID_CHARS = 24;
  private static final int TAG_CHARS = 43;
  private static final String ALGORITHM = "HmacSHA256";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private final SecureRandom random = new SecureRandom();
  private final Mac prototype;

  /**
   * Signs with {@code key}.
   *
   * @throws IllegalArgumentException if the key is shorter than {@value #MIN_KEY_BYTES} bytes
   */
  public ClientIds(byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("a client id signing key needs at least " + MIN_KEY_BYTES
          + " bytes (reactserver.state.client.secret), but has " + key.length);
    }
    try {
      prototype = Mac.getInstance(ALGORITHM);
      prototype.init(new SecretKeySpec(key, ALGORITHM));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + ALGORITHM, e);
    }
  }

  /** A new random key of {@value #MIN_KEY_BYTES} bytes, Base64 encoded. */
  static String newKey() {
    byte[] key = new byte[MIN_KEY_BYTES];
    new SecureRandom().nextBytes(key);
    return Base64.getEncoder().encodeToString(key);
  }

  /** A new client: its cookie value, {@code <id>.<tag>}. */
  public String issue() {
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    String id = ENCODER.encodeToString(bytes);
    return id + '.' + tag(id);
  }

  /** The client id that {@code cookieValue} carries, or null if this key did not issue it. */
  public String idOf(String cookieValue) {
    if (cookieValue == null || cookieValue.length() != ID_CHARS + 1 + TAG_CHARS
        || cookieValue.charAt(ID_CHARS) != '.') {
      return null;
    }
    String id = cookieValue.substring(0, ID_CHARS);
    byte[] expected = tag(id).getBytes(StandardCharsets.US_ASCII);
    byte[] given = cookieValue.substring(ID_CHARS + 1).getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, given) ? id : null;
  }

  private String tag(String id) {
    Mac mac;
    try {
      mac = (Mac) prototype.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException(ALGORITHM + " cannot be cloned", e);
    }
    return ENCODER.encodeToString(mac.doFinal(id.getBytes(StandardCharsets.US_ASCII)));
  }
}
