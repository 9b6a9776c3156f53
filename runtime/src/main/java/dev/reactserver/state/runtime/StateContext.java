package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.scope.OwnerScopes;
import dev.reactserver.state.runtime.spi.ScopeTemplate;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is asking: the store, and the client, user and component instance that scopes are resolved for.
 *
 * <p>Immutable and cheap: each {@code with…} method returns a new context. Typical use is one context
 * per request or render:
 *
 * <pre>{@code
 * StateContext ctx = StateContext.of(store).withClient("c-42").withUser("u-7").forComponent("cart#1");
 * CartStates cart = CartStates.bind(ctx, new Cart());
 * }</pre>
 */
public final class StateContext {

  private final Store store;
  private final String clientId;
  private final String userId;
  private final String componentKey;
  // The owner scopes of the ids, written once per context: "$client" states resolve to these strings.
  private final String clientScope;
  private final String userScope;
  private final String componentScope;

  private StateContext(Store store, String clientId, String clientScope, String userId, String userScope,
      String componentKey, String componentScope) {
    this.store = store;
    this.clientId = clientId;
    this.clientScope = clientScope;
    this.userId = userId;
    this.userScope = userScope;
    this.componentKey = componentKey;
    this.componentScope = componentScope;
  }

  /** A context on {@code store} with no client (the server pseudo-client), no user and no component key. */
  public static StateContext of(Store store) {
    return new StateContext(Objects.requireNonNull(store, "store"), null, OwnerScopes.SERVER_CLIENT,
        null, null, null, null);
  }

  /**
   * The same context for the connecting client {@code clientId}.
   *
   * @throws IllegalArgumentException if {@code clientId} is null or empty
   */
  public StateContext withClient(String clientId) {
    return new StateContext(store, OwnerScopes.requireId(clientId, "client id"),
        OwnerScopes.ownerScope(OwnerScopes.Placeholder.CLIENT, clientId), userId, userScope, componentKey,
        componentScope);
  }

  /**
   * The same context for the authenticated user {@code userId}.
   *
   * @throws IllegalArgumentException if {@code userId} is null or empty
   */
  public StateContext withUser(String userId) {
    return new StateContext(store, clientId, clientScope, OwnerScopes.requireId(userId, "user id"),
        OwnerScopes.ownerScope(OwnerScopes.Placeholder.USER, userId), componentKey, componentScope);
  }

  /**
   * The same context for the component instance whose unique key is {@code componentKey}; without one,
   * {@code $component} states belong to the component class (its canonical name).
   *
   * @throws IllegalArgumentException if {@code componentKey} is null or empty
   */
  public StateContext forComponent(String componentKey) {
    return new StateContext(store, clientId, clientScope, userId, userScope,
        OwnerScopes.requireId(componentKey, "component key"),
        OwnerScopes.ownerScope(OwnerScopes.Placeholder.COMPONENT, componentKey));
  }

  /** The connecting client's id; empty for the server pseudo-client ({@link #of(Store)}). */
  public Optional<String> clientId() {
    return Optional.ofNullable(clientId);
  }

  /** The signed-in user's id; empty for a visitor who has not signed in. */
  public Optional<String> userId() {
    return Optional.ofNullable(userId);
  }

  /** The component instance's key; empty if none was given ({@link #forComponent(String)}). */
  public Optional<String> componentKey() {
    return Optional.ofNullable(componentKey);
  }

  /** The store this context reads and writes. */
  public Store store() {
    return store;
  }

  /**
   * Resolves a scope template for this context: {@code "$client"} becomes this client's scope,
   * {@code "cart.$user"} this user's cart scope, {@code "lobby"} stays {@code "lobby"}. The result is
   * what {@link Store#statesIn(String)} and {@link Store#deleteScope(String)} take.
   *
   * @throws IllegalArgumentException if the scope is empty or holds an unknown placeholder
   * @throws StateException if the scope needs a user or component key this context does not have
   */
  public String resolveScope(String scope) {
    ScopeTemplate template = ScopeTemplate.parse(Objects.requireNonNull(scope, "scope"));
    if (template.usesUser() && userId == null) {
      throw new StateException("scope '" + scope + "' needs a user, but this StateContext has none:"
          + " call withUser(userId) first");
    }
    if (template.usesComponent() && componentKey == null) {
      throw new StateException("scope '" + scope + "' needs a component key, but this StateContext"
          + " has none: call forComponent(componentKey) first");
    }
    return template.resolveOwners(clientScope, userScope, componentScope);
  }

  /**
   * Returns the state that {@code declaration} names in this context, creating it with {@code initial}
   * if it does not exist yet. Used by generated accessors.
   *
   * <p>A state whose scope needs a user ({@code $user}, {@code "cart.$user"}) is not bound in a context
   * without one: the handle returned throws a {@link StateException} naming the state on every use, and
   * nothing is created.
   *
   * @throws StateTypeException if the state exists with another declared type
   */
  public <T> StateRef<T> bind(StateDeclaration<T> declaration, T initial) {
    if (!hasUserFor(declaration)) {
      return new MissingUserStateRef<>(declaration);
    }
    return store.getState(initial, idOf(declaration), declaration);
  }

  /**
   * The id of the state that {@code declaration} names in this context: its scope resolved for this
   * client, user and component instance, and its key.
   *
   * @throws StateException if the scope needs a user and this context has none
   */
  public StateId idOf(StateDeclaration<?> declaration) {
    if (!hasUserFor(declaration)) {
      throw new MissingUserStateRef<>(declaration).missingUser();
    }
    return StateId.of(resolve(declaration.scopeTemplate(), declaration), declaration.key());
  }

  /** Whether this context has a user, or {@code declaration}'s scope needs none. */
  public boolean hasUserFor(StateDeclaration<?> declaration) {
    return userId != null || !declaration.scopeTemplate().usesUser();
  }

  /** A composite scope this context resolved before; contexts are cheap, so the cache is small and racy. */
  private record Resolved(ScopeTemplate template, String scope) {}

  private static final int CACHE_SLOTS = 8;

  // Benign race: entries are immutable, a lost or repeated entry only costs a resolution.
  private Resolved[] resolved;

  private String resolve(ScopeTemplate template, StateDeclaration<?> declaration) {
    if (componentKey == null && template.usesComponent()) { // differs per component class
      return template.resolveOwners(clientScope, userScope,
          OwnerScopes.ownerScope(OwnerScopes.Placeholder.COMPONENT, declaration.component()));
    }
    if (!template.isComposite()) {
      return template.resolveOwners(clientScope, userScope, componentScope); // a field, or the name itself
    }
    Resolved[] cache = resolved;
    if (cache == null) {
      cache = new Resolved[CACHE_SLOTS];
      resolved = cache;
    }
    // A handful of templates per context: a linear scan of identities beats hashing, and never evicts
    // one template for another while there is room.
    int free = -1;
    for (int i = 0; i < cache.length; i++) {
      Resolved entry = cache[i];
      if (entry == null) {
        free = i;
        break;
      }
      if (entry.template == template) {
        return entry.scope;
      }
    }
    String scope = template.resolveOwners(clientScope, userScope, componentScope);
    if (free >= 0) {
      cache[free] = new Resolved(template, scope);
    }
    return scope;
  }

  @Override
  public String toString() {
    return "StateContext[client=" + (clientId == null ? "<server>" : clientId)
        + ", user=" + userId + ", component=" + componentKey + "]";
  }
}
