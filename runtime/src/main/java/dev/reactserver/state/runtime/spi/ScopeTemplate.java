package dev.reactserver.state.runtime.spi;

import dev.reactserver.state.runtime.scope.OwnerScopes;
import dev.reactserver.state.runtime.scope.OwnerScopes.Placeholder;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed scope such as {@code "cart.$client"}: literal text and the placeholders to substitute.
 *
 * <p>Resolution writes each substituted id as {@code $client(id)}, {@code $user(id)} or
 * {@code $component(id)} with {@code '\'} and {@code ')'} inside the id escaped by a backslash, and a
 * missing client as {@code $server}. Literal text can never contain those forms (every {@code $word} in
 * a template is a placeholder, and only {@code $global} stays literal), so a resolved scope can be
 * parsed back into its template and ids: resolution is injective.
 *
 * <p>What a {@link StateDeclaration} holds ({@link StateDeclaration#scopeTemplate()}): a store may ask
 * which placeholders a declared scope uses. Immutable and thread-safe.
 */
public final class ScopeTemplate {

  /** Literal text, or a placeholder (then {@code literal} is null). */
  private record Segment(String literal, Placeholder placeholder) {}

  private final String source;
  private final List<Segment> segments;
  private final boolean usesClient;
  private final boolean usesUser;
  private final boolean usesComponent;
  /** The placeholder if the template is that placeholder alone ({@code "$client"}); else null. */
  private final Placeholder single;

  private ScopeTemplate(String source, List<Segment> segments) {
    this.source = source;
    this.segments = List.copyOf(segments);
    this.single = segments.size() == 1 ? segments.get(0).placeholder : null;
    this.usesClient = uses(Placeholder.CLIENT);
    this.usesUser = uses(Placeholder.USER);
    this.usesComponent = uses(Placeholder.COMPONENT);
  }

  /**
   * Parses {@code scope}.
   *
   * @throws IllegalArgumentException if the scope is empty or holds a {@code $word} other than
   *     {@code $client}, {@code $user}, {@code $component} and {@code $global}
   */
  public static ScopeTemplate parse(String scope) {
    if (scope.isEmpty()) {
      throw new IllegalArgumentException("scope must not be empty");
    }
    List<Segment> segments = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < scope.length()) {
      int wordEnd = placeholderWordEnd(scope, i);
      if (wordEnd < 0) {
        literal.append(scope.charAt(i++));
        continue;
      }
      String word = scope.substring(i, wordEnd);
      Placeholder placeholder = Placeholder.ofMarker(word);
      if (placeholder == null) {
        if (!word.equals(OwnerScopes.GLOBAL)) {
          throw new IllegalArgumentException("unknown placeholder '" + word + "' in scope '" + scope
              + "': use $client, $user, $component or $global");
        }
        literal.append(word);
      } else {
        if (literal.length() > 0) {
          segments.add(new Segment(literal.toString(), null));
          literal.setLength(0);
        }
        segments.add(new Segment(null, placeholder));
      }
      i = wordEnd;
    }
    if (literal.length() > 0) {
      segments.add(new Segment(literal.toString(), null));
    }
    return new ScopeTemplate(scope, segments);
  }

  /** If a placeholder word ({@code $} then a letter or {@code _}, then letters, digits, {@code _}) starts at {@code i}, its end; else -1. */
  private static int placeholderWordEnd(String scope, int i) {
    if (scope.charAt(i) != '$' || i + 1 >= scope.length() || !isWordStart(scope.charAt(i + 1))) {
      return -1;
    }
    int end = i + 2;
    while (end < scope.length() && isWordPart(scope.charAt(end))) {
      end++;
    }
    return end;
  }

  private static boolean isWordStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isWordPart(char c) {
    return isWordStart(c) || (c >= '0' && c <= '9');
  }

  private boolean uses(Placeholder placeholder) {
    return segments.stream().anyMatch(segment -> segment.placeholder == placeholder);
  }

  public String source() {
    return source;
  }

  public boolean usesClient() {
    return usesClient;
  }

  public boolean usesUser() {
    return usesUser;
  }

  public boolean usesComponent() {
    return usesComponent;
  }

  /**
   * Substitutes the placeholders. {@code clientId} null means the server pseudo-client; {@code userId}
   * and {@code componentKey} must be non-null when the template uses them.
   */
  public String resolve(String clientId, String userId, String componentKey) {
    return resolveOwners(clientId == null ? OwnerScopes.SERVER_CLIENT : OwnerScopes.ownerScope(Placeholder.CLIENT, clientId),
        userId == null ? null : OwnerScopes.ownerScope(Placeholder.USER, userId),
        componentKey == null ? null : OwnerScopes.ownerScope(Placeholder.COMPONENT, componentKey));
  }

  /**
   * Substitutes the placeholders with owner scopes already written ({@link ResolvedScopes#client}, or
   * {@code "$server"} for the server pseudo-client): a template that is one placeholder resolves to its
   * owner scope itself, with no copy.
   */
  public String resolveOwners(String clientScope, String userScope, String componentScope) {
    if (single != null) {
      return owner(single, clientScope, userScope, componentScope);
    }
    if (!usesClient && !usesUser && !usesComponent) {
      return source;
    }
    StringBuilder out = new StringBuilder(source.length() + 32);
    for (Segment segment : segments) {
      out.append(segment.literal != null ? segment.literal
          : owner(segment.placeholder, clientScope, userScope, componentScope));
    }
    return out.toString();
  }

  private static String owner(Placeholder placeholder, String clientScope, String userScope, String componentScope) {
    return switch (placeholder) {
      case CLIENT -> clientScope;
      case USER -> userScope;
      case COMPONENT -> componentScope;
    };
  }

  /**
   * Whether resolving builds new text: placeholders beside literals or each other (not a plain name, not
   * one placeholder alone).
   */
  public boolean isComposite() {
    return single == null && (usesClient || usesUser || usesComponent);
  }

  @Override
  public String toString() {
    return source;
  }
}
