package dev.reactserver.state.spring;

import java.security.Principal;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.thymeleaf.web.IWebApplication;
import org.thymeleaf.web.IWebExchange;
import org.thymeleaf.web.IWebRequest;
import org.thymeleaf.web.IWebSession;

/**
 * The web exchange of a live render: it runs on a sender thread for every browser at once, long after
 * any request, so it has the application (its path, for context-relative links, and its attributes)
 * and nothing of a request: no session, no principal, no headers, parameters or cookies, no URL
 * rewriting. What a template reads from it is the same for every browser. One per render: Thymeleaf
 * keeps the render's variables in its attributes.
 */
final class DetachedWebExchange implements IWebExchange, IWebRequest {

  private final IWebApplication application;
  private final String applicationPath;
  private final Locale locale;
  private final Map<String, Object> attributes = new HashMap<>();

  DetachedWebExchange(IWebApplication application, String applicationPath, Locale locale) {
    this.application = application;
    this.applicationPath = applicationPath;
    this.locale = locale;
  }

  @Override
  public IWebRequest getRequest() {
    return this;
  }

  @Override
  public IWebSession getSession() {
    return null;
  }

  @Override
  public IWebApplication getApplication() {
    return application;
  }

  @Override
  public Principal getPrincipal() {
    return null;
  }

  @Override
  public Locale getLocale() {
    return locale;
  }

  @Override
  public String getContentType() {
    return "text/html;charset=UTF-8";
  }

  @Override
  public String getCharacterEncoding() {
    return "UTF-8";
  }

  @Override
  public boolean containsAttribute(String name) {
    return attributes.containsKey(name);
  }

  @Override
  public int getAttributeCount() {
    return attributes.size();
  }

  @Override
  public Set<String> getAllAttributeNames() {
    return Set.copyOf(attributes.keySet());
  }

  @Override
  public Map<String, Object> getAttributeMap() {
    return Map.copyOf(attributes);
  }

  @Override
  public Object getAttributeValue(String name) {
    return attributes.get(name);
  }

  @Override
  public void setAttributeValue(String name, Object value) {
    if (value == null) {
      attributes.remove(name);
    } else {
      attributes.put(name, value);
    }
  }

  @Override
  public void removeAttribute(String name) {
    attributes.remove(name);
  }

  @Override
  public String transformURL(String url) {
    return url; // no session to rewrite into it: the same link for every browser
  }

  // The request: none.

  @Override
  public String getMethod() {
    return "GET";
  }

  @Override
  public String getScheme() {
    return null;
  }

  @Override
  public String getServerName() {
    return null;
  }

  @Override
  public Integer getServerPort() {
    return null;
  }

  @Override
  public String getApplicationPath() {
    return applicationPath;
  }

  @Override
  public String getPathWithinApplication() {
    return null;
  }

  @Override
  public String getQueryString() {
    return null;
  }

  @Override
  public boolean containsHeader(String name) {
    return false;
  }

  @Override
  public int getHeaderCount() {
    return 0;
  }

  @Override
  public Set<String> getAllHeaderNames() {
    return Set.of();
  }

  @Override
  public Map<String, String[]> getHeaderMap() {
    return Map.of();
  }

  @Override
  public String[] getHeaderValues(String name) {
    return null;
  }

  @Override
  public boolean containsParameter(String name) {
    return false;
  }

  @Override
  public int getParameterCount() {
    return 0;
  }

  @Override
  public Set<String> getAllParameterNames() {
    return Set.of();
  }

  @Override
  public Map<String, String[]> getParameterMap() {
    return Map.of();
  }

  @Override
  public String[] getParameterValues(String name) {
    return null;
  }

  @Override
  public boolean containsCookie(String name) {
    return false;
  }

  @Override
  public int getCookieCount() {
    return 0;
  }

  @Override
  public Set<String> getAllCookieNames() {
    return Set.of();
  }

  @Override
  public Map<String, String[]> getCookieMap() {
    return Map.of();
  }

  @Override
  public String[] getCookieValues(String name) {
    return null;
  }
}
