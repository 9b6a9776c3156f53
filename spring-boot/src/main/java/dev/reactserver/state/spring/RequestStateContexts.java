package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.Store;
import jakarta.servlet.http.HttpServletRequest;

/**
 * The {@link StateContext} of a request: its client (from {@link StateClientFilter}) and its user (from
 * the {@link StateUserResolver}), built once per request, so that every component bound in the request
 * shares it. Controllers take it as a method argument; other code asks this bean.
 */
public final class RequestStateContexts {

  private static final String CONTEXT = RequestStateContexts.class.getName() + ".context";

  private final Store store;
  private final StateUserResolver users;

  /** Contexts on {@code store}, with users from {@code users}. */
  public RequestStateContexts(Store store, StateUserResolver users) {
    this.store = store;
    this.users = users;
  }

  /**
   * The context of {@code request}.
   *
   * @throws IllegalStateException if the request did not pass {@link StateClientFilter}
   */
  public StateContext contextOf(HttpServletRequest request) {
    Object cached = request.getAttribute(CONTEXT);
    if (cached instanceof StateContext context) {
      return context;
    }
    Object clientId = request.getAttribute(StateClientFilter.CLIENT_ID);
    if (!(clientId instanceof String)) {
      throw new IllegalStateException("request " + request.getRequestURI() + " has no state client: it did not"
          + " pass the StateClientFilter (registered for every request by the reactserver-state starter;"
          + " a filter registration or a mock request of the application's own must include it)");
    }
    StateContext context = StateContext.of(store).withClient((String) clientId);
    String userId = users.userOf(request);
    if (userId != null) {
      context = context.withUser(userId);
    }
    request.setAttribute(CONTEXT, context);
    return context;
  }
}
