package dev.reactserver.state.spring;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Who the signed-in user of a request is, for {@code $user} states. The starter's default takes the
 * name of Spring Security's authenticated principal (or, without Spring Security, the servlet
 * container's {@link HttpServletRequest#getUserPrincipal()}); declare a bean of this type to replace it.
 */
@FunctionalInterface
public interface StateUserResolver {

  /** The user id of {@code request}, or null for a visitor who has not signed in. */
  String userOf(HttpServletRequest request);
}
