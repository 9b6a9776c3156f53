package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.Store;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** With Actuator's health support: {@code stateStore} health, one round trip to the store. */
@AutoConfiguration(after = StateAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Store.class)
public class StateHealthAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean(name = "stateStoreHealthIndicator")
  StoreHealthIndicator stateStoreHealthIndicator(Store store) {
    return new StoreHealthIndicator(store);
  }
}
