package dev.reactserver.state.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AuthenticationTrustResolver;
import org.springframework.security.authentication.AuthenticationTrustResolverImpl;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The name of Spring Security's authenticated principal; none for anonymous requests. */
final class SpringSecurityUserResolver implements StateUserResolver {

  private final AuthenticationTrustResolver trust = new AuthenticationTrustResolverImpl();

  @Override
  public String userOf(HttpServletRequest request) {
    Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
    if (authentication == null || !authentication.isAuthenticated() || trust.isAnonymous(authentication)) {
      return null;
    }
    String name = authentication.getName();
    return name == null || name.isEmpty() ? null : name;
  }
}
