package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.Store;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request its client: the id in the client cookie if this application issued it, else a new
 * client with a new cookie ({@code HttpOnly}, {@code SameSite=Lax}, {@code Secure} on secure requests).
 * The id comes only from that cookie, never from a header, parameter or form field, and is never
 * logged. A known client is touched, so that it does not expire while it sends requests.
 */
public final class StateClientFilter extends OncePerRequestFilter {

  /** The request attribute that holds the client id. */
  static final String CLIENT_ID = StateClientFilter.class.getName() + ".clientId";

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");

  private final Store store;
  private final ClientIds ids;
  private final String cookieName;
  private final Duration cookieMaxAge;

  /** A filter that issues ids with {@code ids} in the cookie {@code cookieName}. */
  public StateClientFilter(Store store, ClientIds ids, String cookieName, Duration cookieMaxAge) {
    this.store = store;
    this.ids = ids;
    this.cookieName = cookieName;
    this.cookieMaxAge = cookieMaxAge;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    String clientId = knownClient(request);
    if (clientId == null) {
      String cookieValue = ids.issue();
      clientId = ids.idOf(cookieValue);
      response.addHeader(HttpHeaders.SET_COOKIE, cookie(cookieValue, request.isSecure()));
    } else {
      touch(clientId);
    }
    request.setAttribute(CLIENT_ID, clientId);
    chain.doFilter(request, response);
  }

  private String knownClient(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie cookie : cookies) {
        if (cookie.getName().equals(cookieName)) {
          String id = ids.idOf(cookie.getValue());
          if (id != null) {
            return id;
          }
        }
      }
    }
    return null;
  }

  private String cookie(String value, boolean secure) {
    ResponseCookie.ResponseCookieBuilder cookie = ResponseCookie.from(cookieName, value)
        .path("/").httpOnly(true).sameSite("Lax").secure(secure);
    if (cookieMaxAge != null) {
      cookie.maxAge(cookieMaxAge);
    }
    return cookie.build().toString();
  }

  // A touch only postpones the idle timeout: a store that is down fails the request where it reads or
  // writes a state, not here. The exception's message is not logged: it may name the client.
  private void touch(String clientId) {
    try {
      store.touchClient(clientId);
    } catch (StateException e) {
      LOG.log(Level.WARNING, "could not touch a client (idle timeout) in " + store + ": "
          + e.getClass().getSimpleName());
    }
  }
}
