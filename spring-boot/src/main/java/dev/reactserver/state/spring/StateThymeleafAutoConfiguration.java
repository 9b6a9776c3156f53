package dev.reactserver.state.spring;

import jakarta.servlet.ServletContext;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.convert.ConversionService;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.spring6.expression.ThymeleafEvaluationContext;

/** {@link LiveTemplates} over the application's Thymeleaf engine, in a servlet web application. */
@AutoConfiguration(afterName = "org.springframework.boot.thymeleaf.autoconfigure.ThymeleafAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ITemplateEngine.class, ThymeleafEvaluationContext.class, ServletContext.class})
public class StateThymeleafAutoConfiguration {

  /** The conversion service Spring MVC hands its views (what {@code ${{...}}} formats with). */
  private static final String MVC_CONVERSION_SERVICE = "mvcConversionService";

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(ITemplateEngine.class)
  LiveTemplates liveTemplates(ITemplateEngine engine, ServletContext servletContext, ApplicationContext context) {
    ConversionService conversions = context.containsBean(MVC_CONVERSION_SERVICE)
        ? context.getBean(MVC_CONVERSION_SERVICE, ConversionService.class) : null;
    return new LiveTemplates(engine, servletContext, context, conversions);
  }
}
