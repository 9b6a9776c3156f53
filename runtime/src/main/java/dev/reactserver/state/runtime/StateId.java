package dev.reactserver.state.runtime;

import java.util.Objects;

/**
 * The identity of one state: a resolved scope and a key.
 *
 * <p>Two {@code StateId}s are equal exactly when their scopes and keys are equal; scopes here are
 * already resolved (see {@link StateContext#resolveScope(String)}), so {@code "$client(c-42)"} rather
 * than {@code "$client"}.
 *
 * @param scope the resolved scope, never null
 * @param key the key within the scope, never null
 */
public record StateId(String scope, String key) {

  public StateId {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(key, "key");
  }

  /** Returns the id of the state {@code key} in the resolved scope {@code scope}. */
  public static StateId of(String scope, String key) {
    return new StateId(scope, key);
  }

  /**
   * Returns {@code "scope:key"} ({@code "shop:visits"} for a plain global scope), with {@code '\'} and
   * {@code ':'} inside either part escaped by a backslash, so that different ids never share a store key.
   */
  public String storeKey() {
    StringBuilder out = new StringBuilder(scope.length() + key.length() + 1);
    appendEscaped(out, scope);
    out.append(':');
    appendEscaped(out, key);
    return out.toString();
  }

  private static void appendEscaped(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == ':') {
        out.append('\\');
      }
      out.append(c);
    }
  }

  @Override
  public String toString() {
    return storeKey();
  }
}
