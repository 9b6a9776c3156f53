package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.scope.OwnerScopes;
import java.util.List;

/** What a resolved scope belongs to: a low-cardinality label for metrics, never an id or a key. */
public enum ScopeKind {
  /** {@code $client(…)}: one connecting client. */
  CLIENT,
  /** {@code $user(…)}: one signed-in user. */
  USER,
  /** {@code $component(…)}: one component instance. */
  COMPONENT,
  /** A larger name that substituted ids, such as {@code cart.$client(…)}. */
  COMPOSITE,
  /** Any other scope: one state shared by everybody ({@code "shop"}, {@code $global}). */
  GLOBAL;

  /** The kind of {@code resolvedScope} ({@link StateContext#resolveScope}). */
  public static ScopeKind of(String resolvedScope) {
    List<String> owners = OwnerScopes.ownerScopes(resolvedScope);
    if (owners.isEmpty()) {
      return GLOBAL;
    }
    if (owners.size() > 1 || !owners.get(0).equals(resolvedScope)) {
      return COMPOSITE;
    }
    return of(OwnerScopes.ownerKind(resolvedScope));
  }

  static ScopeKind of(OwnerScopes.Placeholder owner) {
    return switch (owner) {
      case CLIENT -> CLIENT;
      case USER -> USER;
      case COMPONENT -> COMPONENT;
    };
  }
}
