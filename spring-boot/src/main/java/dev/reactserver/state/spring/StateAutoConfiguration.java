package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.Store;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Configures reactserver-state for a Spring Boot application: the {@link Store} from
 * {@code reactserver.state.*} (unless the application declares its own), and in a servlet web
 * application the client cookie, the user, a {@code StateContext} argument for controller methods and
 * {@link LiveUpdates}.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@EnableConfigurationProperties(StateProperties.class)
@Import({StoreConfigurations.Memory.class, StoreConfigurations.Redis.class, StoreConfigurations.Postgres.class,
    StoreConfigurations.DynamoDb.class, StoreConfigurations.RedisMissing.class, StoreConfigurations.PostgresMissing.class,
    StoreConfigurations.DynamoDbMissing.class})
public class StateAutoConfiguration {

  /** The global state that holds the client id signing key when no secret is configured. */
  static final StateId CLIENT_KEY_STATE = StateId.of("reactserver.spring", "client-id-key");

  /** The request side: client cookie, user, context argument, live updates. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(WebMvcConfigurer.class)
  static class Web {

    @Bean
    @ConditionalOnMissingBean
    ClientIds stateClientIds(Store store, StateProperties properties) {
      String secret = properties.getClient().getSecret();
      if (secret != null && !secret.isEmpty()) {
        return new ClientIds(secret.getBytes(StandardCharsets.UTF_8));
      }
      // One key for every node of the store: the first node to start creates it.
      String key = store.getState(ClientIds.newKey(), CLIENT_KEY_STATE).get();
      return new ClientIds(Base64.getDecoder().decode(key));
    }

    @Bean
    FilterRegistrationBean<StateClientFilter> stateClientFilter(Store store, ClientIds ids,
        StateProperties properties) {
      StateProperties.Client client = properties.getClient();
      FilterRegistrationBean<StateClientFilter> registration = new FilterRegistrationBean<>(
          new StateClientFilter(store, ids, client.getCookieName(), client.getCookieMaxAge()));
      registration.setName("stateClientFilter");
      registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 20);
      return registration;
    }

    @Bean
    @ConditionalOnMissingBean
    RequestStateContexts requestStateContexts(Store store, StateUserResolver users) {
      return new RequestStateContexts(store, users);
    }

    @Bean
    WebMvcConfigurer stateContextArguments(RequestStateContexts contexts) {
      return new WebMvcConfigurer() {
        @Override
        public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
          resolvers.add(new StateContextArgumentResolver(contexts));
        }
      };
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    LiveUpdates liveUpdates(Store store, StateProperties properties) {
      StateProperties.Live live = properties.getLive();
      int senders = live.getSenders() == 0 ? LiveUpdates.defaultSenders() : live.getSenders();
      return new LiveUpdates(store, live.getHeartbeat(), live.getEndClientAfter(), senders);
    }

    @Bean
    LiveUpdatesShutdown liveUpdatesShutdown(LiveUpdates live) {
      return new LiveUpdatesShutdown(live);
    }
  }

  /** The user from Spring Security, when it is present. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "org.springframework.security.core.context.SecurityContextHolder")
  static class SecurityUsers {
    @Bean
    @ConditionalOnMissingBean
    StateUserResolver stateUserResolver() {
      return new SpringSecurityUserResolver();
    }
  }

  /** The user from the servlet container, without Spring Security. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnMissingClass("org.springframework.security.core.context.SecurityContextHolder")
  static class ServletUsers {
    @Bean
    @ConditionalOnMissingBean
    StateUserResolver stateUserResolver() {
      return new ServletPrincipalUserResolver();
    }
  }
}
