package dev.reactserver.state.spring;

import jakarta.servlet.ServletContext;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.springframework.context.ApplicationContext;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.core.convert.ConversionService;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.WebContext;
import org.thymeleaf.spring6.expression.ThymeleafEvaluationContext;
import org.thymeleaf.web.IWebApplication;
import org.thymeleaf.web.servlet.JakartaServletWebApplication;

/**
 * Renders Thymeleaf template fragments for live streams, so that one template renders a component both
 * in the page ({@code th:replace="~{shop :: stock}"}) and in its live updates:
 *
 * <pre>{@code
 * live.open(ctx).watchShared("stock", stock.teapotsState(), templates.fragment("shop :: stock", Map.of("stock", stock)));
 * }</pre>
 *
 * <p>A live render runs on a sender thread for every browser at once, outside any request: the
 * template sees the model it is given, the application's beans ({@code ${@bean}}), its context path
 * (for {@code @{/...}} links) and the locale of the thread that made the fragment; there is no
 * request, session, principal or CSRF token ({@code th:action} adds no hidden token field), so a
 * fragment of a shared state renders to the same text for every browser. Auto-configured when
 * Thymeleaf is on the class path of a servlet web application. Thread-safe.
 */
public final class LiveTemplates {

  private final ITemplateEngine engine;
  private final IWebApplication application;
  private final String applicationPath;
  private final ApplicationContext beans;
  private final ConversionService conversions;

  /**
   * @param engine the application's template engine
   * @param servletContext the web application's (its context path prefixes {@code @{/...}} links)
   * @param beans what {@code ${@name}} expressions read
   * @param conversions what {@code ${{...}}} expressions format with; null for none
   */
  public LiveTemplates(ITemplateEngine engine, ServletContext servletContext, ApplicationContext beans,
      ConversionService conversions) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.application = JakartaServletWebApplication.buildApplication(servletContext);
    this.applicationPath = servletContext.getContextPath();
    this.beans = Objects.requireNonNull(beans, "beans");
    this.conversions = conversions;
  }

  /**
   * A render of {@code fragment} with {@code model}, to watch: {@code "template :: selector"} (as in
   * {@code th:replace}, also written {@code "~{template :: selector}"}), where the selector is a
   * {@code th:fragment} name or a markup selector, or a template name alone for the whole template.
   * The model is copied now (its values, such as generated accessors, are read at each render), and
   * so is the current locale ({@link LocaleContextHolder}: the request's, in a controller).
   *
   * @throws IllegalArgumentException if {@code fragment} is blank or its template or selector is empty
   */
  public Supplier<String> fragment(String fragment, Map<String, ?> model) {
    Fragment parsed = Fragment.parse(fragment);
    Map<String, Object> variables = Collections.unmodifiableMap(new HashMap<>(Objects.requireNonNull(model, "model")));
    Locale locale = LocaleContextHolder.getLocale();
    return () -> render(parsed, variables, locale);
  }

  /**
   * Renders {@code fragment} with {@code model} now, as a live stream would.
   *
   * @throws IllegalArgumentException if {@code fragment} is malformed, or renders nothing (no element
   *     matches its selector, or {@code th:if} removed it: a live event would empty the element)
   * @throws org.thymeleaf.exceptions.TemplateInputException if the template does not exist
   */
  public String render(String fragment, Map<String, ?> model) {
    return render(Fragment.parse(fragment), new HashMap<>(Objects.requireNonNull(model, "model")),
        LocaleContextHolder.getLocale());
  }

  private String render(Fragment fragment, Map<String, Object> model, Locale locale) {
    WebContext context = new WebContext(new DetachedWebExchange(application, applicationPath, locale), locale, model);
    context.setVariable(ThymeleafEvaluationContext.THYMELEAF_EVALUATION_CONTEXT_CONTEXT_VARIABLE_NAME,
        new ThymeleafEvaluationContext(beans, conversions));
    String html = engine.process(fragment.template(), fragment.selectors(), context);
    if (html.isBlank()) {
      throw new IllegalArgumentException("the live fragment '" + fragment + "' rendered nothing"
          + (fragment.selector() == null ? "" : ": no element of template '" + fragment.template() + "' matches '"
              + fragment.selector() + "', or th:if/th:unless removed it"));
    }
    return html;
  }

  /** {@code template :: selector}, parsed once. */
  private record Fragment(String template, String selector) {

    static Fragment parse(String fragment) {
      Objects.requireNonNull(fragment, "fragment");
      String spec = fragment.strip();
      if (spec.startsWith("~{") && spec.endsWith("}")) {
        spec = spec.substring(2, spec.length() - 1).strip();
      }
      int separator = spec.indexOf("::");
      String template = (separator < 0 ? spec : spec.substring(0, separator)).strip();
      String selector = separator < 0 ? null : spec.substring(separator + 2).strip();
      if (template.isEmpty() || (selector != null && selector.isEmpty())) {
        throw new IllegalArgumentException("a live fragment is 'template :: selector' or a template name, but was '"
            + fragment + "'");
      }
      return new Fragment(template, selector);
    }

    Set<String> selectors() {
      return selector == null ? null : Set.of(selector);
    }

    @Override
    public String toString() {
      return selector == null ? template : template + " :: " + selector;
    }
  }
}
