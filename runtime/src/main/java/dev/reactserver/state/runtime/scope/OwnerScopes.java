package dev.reactserver.state.runtime.scope;

import java.util.ArrayList;
import java.util.List;

/**
 * The runtime's scope grammar: the placeholders, and owner scopes such as {@code "$client(c-42)"}, the
 * scope of one client, user or component instance by itself. Resolution writes each substituted id as
 * {@code $client(id)}, {@code $user(id)} or {@code $component(id)} with {@code '\\'} and {@code ')'}
 * inside the id escaped by a backslash, and a missing client as {@code $server}.
 *
 * <p>The runtime's own; its module does not export this package (stores read resolved scopes through
 * {@code spi.ResolvedScopes}).
 */
public final class OwnerScopes {

  /** The markers written for each kind of substitution. */
  public static final String CLIENT = "$client";
  public static final String USER = "$user";
  public static final String COMPONENT = "$component";
  public static final String GLOBAL = "$global";
  public static final String SERVER_CLIENT = "$server";

  /** The placeholders a scope template may hold. */
  public enum Placeholder {
    CLIENT(OwnerScopes.CLIENT),
    USER(OwnerScopes.USER),
    COMPONENT(OwnerScopes.COMPONENT);

    private final String marker;

    Placeholder(String marker) {
      this.marker = marker;
    }

    /** How the placeholder is written in a template, e.g. {@code "$client"}. */
    public String marker() {
      return marker;
    }

    /** The placeholder written as {@code word}, or null. */
    public static Placeholder ofMarker(String word) {
      for (Placeholder placeholder : values()) {
        if (placeholder.marker.equals(word)) {
          return placeholder;
        }
      }
      return null;
    }
  }

  private OwnerScopes() {}

  private static void appendId(StringBuilder out, String marker, String id) {
    out.append(marker).append('(');
    if (id.indexOf('\\') < 0 && id.indexOf(')') < 0) {
      out.append(id); // nothing to escape: the common case, one copy
    } else {
      for (int i = 0; i < id.length(); i++) {
        char c = id.charAt(i);
        if (c == '\\' || c == ')') {
          out.append('\\');
        }
        out.append(c);
      }
    }
    out.append(')');
  }

  /**
   * The scope of one client, user or component instance by itself, e.g. {@code "$client(c-42)"}: what
   * {@code "$client"} resolves to for that id.
   */
  public static String ownerScope(Placeholder kind, String id) {
    StringBuilder out = new StringBuilder(kind.marker.length() + id.length() + 2);
    appendId(out, kind.marker, id);
    return out.toString();
  }

  /**
   * The owner scopes (see {@link #ownerScope}) whose ids were substituted into a resolved scope, in
   * order: for {@code "cart.$client(c\)1).$user(u)"} the scopes {@code "$client(c\)1)"} and
   * {@code "$user(u)"}. They are substrings of the resolved scope, since resolution writes each id in
   * exactly that form. Text that resolution cannot have produced (an unclosed id) yields nothing.
   */
  public static List<String> ownerScopes(String resolvedScope) {
    List<String> owners = new ArrayList<>(1);
    int i = resolvedScope.indexOf('$');
    while (i >= 0) {
      Placeholder placeholder = substitutionAt(resolvedScope, i);
      if (placeholder == null) {
        i = resolvedScope.indexOf('$', i + 1);
        continue;
      }
      int j = i + placeholder.marker.length() + 1;
      while (j < resolvedScope.length() && resolvedScope.charAt(j) != ')') {
        j += resolvedScope.charAt(j) == '\\' ? 2 : 1;
      }
      if (j >= resolvedScope.length()) {
        break; // unclosed: not written by resolve
      }
      owners.add(resolvedScope.substring(i, j + 1));
      i = resolvedScope.indexOf('$', j + 1);
    }
    return owners;
  }

  /** The kind of an owner scope (see {@link #ownerScope}). */
  public static Placeholder ownerKind(String ownerScope) {
    return substitutionAt(ownerScope, 0);
  }

  private static Placeholder substitutionAt(String resolvedScope, int i) {
    for (Placeholder placeholder : Placeholder.values()) {
      int open = i + placeholder.marker.length();
      if (resolvedScope.startsWith(placeholder.marker, i) && open < resolvedScope.length()
          && resolvedScope.charAt(open) == '(') {
        return placeholder;
      }
    }
    return null;
  }

  /** Returns {@code id}; throws IllegalArgumentException naming {@code what} if it is null or empty. */
  public static String requireId(String id, String what) {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException(what + " must be a non-empty string, but was "
          + (id == null ? "null" : "empty"));
    }
    return id;
  }
}
