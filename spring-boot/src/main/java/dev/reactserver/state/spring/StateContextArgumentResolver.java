package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateContext;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Resolves {@link StateContext} arguments of controller methods to the request's context. */
final class StateContextArgumentResolver implements HandlerMethodArgumentResolver {

  private final RequestStateContexts contexts;

  StateContextArgumentResolver(RequestStateContexts contexts) {
    this.contexts = contexts;
  }

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == StateContext.class;
  }

  @Override
  public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
      NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
    return contexts.contextOf(webRequest.getNativeRequest(HttpServletRequest.class));
  }
}
