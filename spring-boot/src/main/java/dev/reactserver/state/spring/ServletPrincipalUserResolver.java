package dev.reactserver.state.spring;

import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;

/** The servlet container's principal of the request; none if it has not authenticated one. */
final class ServletPrincipalUserResolver implements StateUserResolver {

  @Override
  public String userOf(HttpServletRequest request) {
    Principal principal = request.getUserPrincipal();
    String name = principal == null ? null : principal.getName();
    return name == null || name.isEmpty() ? null : name;
  }
}
