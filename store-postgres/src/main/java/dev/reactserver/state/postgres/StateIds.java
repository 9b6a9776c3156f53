package dev.reactserver.state.postgres;

import dev.reactserver.state.runtime.StateId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The primary key of a state's row, as the table's generated column {@code id} computes it: SHA-256 of
 * the UTF-8 bytes of {@code length(scope) ':' scope key}, the length counted in characters as PostgreSQL
 * counts them (code points). Computed here, statements find a row by its key without hashing on the
 * server.
 */
final class StateIds {

  private StateIds() {}

  static byte[] of(StateId id) {
    String scope = id.scope();
    String text = scope.codePointCount(0, scope.length()) + ":" + scope + id.key();
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
