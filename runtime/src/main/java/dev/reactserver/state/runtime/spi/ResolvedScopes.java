package dev.reactserver.state.runtime.spi;

import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.scope.OwnerScopes;
import java.util.List;
import java.util.Objects;

/**
 * Reading resolved scopes back, for stores that keep states elsewhere: which clients, users and
 * component instances a resolved scope belongs to, so that {@link Store#endClient} and idle expiry can
 * find every scope of a client, including composite ones such as {@code "cart.$client(c-42)"}.
 *
 * <p>An <em>owner scope</em> is the scope of one client, user or component instance by itself, e.g.
 * {@code "$client(c-42)"}: what {@code "$client"} resolves to for that id.
 */
public final class ResolvedScopes {

  private ResolvedScopes() {}

  /**
   * The owner scopes whose ids were substituted into {@code resolvedScope}, in order: for
   * {@code "$user(u).$client(c)"} the scopes {@code "$user(u)"} and {@code "$client(c)"}; none for a
   * global scope such as {@code "lobby"}.
   */
  public static List<String> owners(String resolvedScope) {
    return List.copyOf(OwnerScopes.ownerScopes(Objects.requireNonNull(resolvedScope, "resolvedScope")));
  }

  /**
   * The owner scope of the client {@code clientId}.
   *
   * @throws IllegalArgumentException if {@code clientId} is null or empty
   */
  public static String client(String clientId) {
    return owner(OwnerScopes.Placeholder.CLIENT, clientId, "client id");
  }

  /**
   * The owner scope of the user {@code userId}.
   *
   * @throws IllegalArgumentException if {@code userId} is null or empty
   */
  public static String user(String userId) {
    return owner(OwnerScopes.Placeholder.USER, userId, "user id");
  }

  /**
   * The owner scope of the component instance {@code componentKey}.
   *
   * @throws IllegalArgumentException if {@code componentKey} is null or empty
   */
  public static String component(String componentKey) {
    return owner(OwnerScopes.Placeholder.COMPONENT, componentKey, "component key");
  }

  /** Whether {@code ownerScope} (one of {@link #owners}) is a client's: such scopes expire when idle. */
  public static boolean isClient(String ownerScope) {
    return OwnerScopes.ownerKind(Objects.requireNonNull(ownerScope, "ownerScope"))
        == OwnerScopes.Placeholder.CLIENT;
  }

  private static String owner(OwnerScopes.Placeholder kind, String id, String what) {
    return OwnerScopes.ownerScope(kind, OwnerScopes.requireId(id, what));
  }
}
