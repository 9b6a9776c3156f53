package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.ScopeKind;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.StoreMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * With Micrometer and a {@link MeterRegistry}: the store the starter builds reports writes, update
 * retries, listener failures and its server calls ({@link MicrometerStoreMetrics}); gauges tell the
 * in-memory store's states by scope kind ({@code reactserver.state.states}) and subscriptions
 * ({@code reactserver.state.subscriptions}), and the live streams
 * ({@code reactserver.state.live.streams}, {@code .clients}, {@code .subscriptions}).
 */
@AutoConfiguration(after = StateAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public class StateMetricsAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  StoreMetrics stateStoreMetrics(MeterRegistry registry) {
    return new MicrometerStoreMetrics(registry);
  }

  @Bean
  MeterBinder stateGauges(ObjectProvider<Store> stores, ObjectProvider<LiveUpdates> live) {
    return registry -> {
      if (stores.getIfUnique() instanceof InMemoryStore memory) {
        for (ScopeKind kind : ScopeKind.values()) {
          Gauge.builder("reactserver.state.states", memory, store -> store.size(kind))
              .tag("scope", MicrometerStoreMetrics.tag(kind)).description("States held, by scope kind")
              .register(registry);
        }
        Gauge.builder("reactserver.state.subscriptions", memory, InMemoryStore::subscriptions)
            .description("Active subscriptions of states and scopes").register(registry);
      }
      LiveUpdates updates = live.getIfUnique();
      if (updates != null) {
        Gauge.builder("reactserver.state.live.streams", updates, LiveUpdates::openStreams)
            .description("Open live streams").register(registry);
        Gauge.builder("reactserver.state.live.clients", updates, LiveUpdates::clients)
            .description("Clients with an open live stream or within the grace time after it")
            .register(registry);
        Gauge.builder("reactserver.state.live.subscriptions", updates, LiveUpdates::subscriptions)
            .description("Store subscriptions held for open live streams, one per watched state").register(registry);
      }
    };
  }
}
