package dev.reactserver.state.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.Store;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

/** Meters of the store the starter builds, by scope kind and operation only. */
class StateMetricsTest {

  private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
          SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
          StateAutoConfiguration.class, StateMetricsAutoConfiguration.class));

  @Test
  void theInMemoryStoreCountsWritesAndStatesByScopeKindAndListenerFailures() {
    runner.run(context -> {
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      StateContext ctx = StateContext.of(context.getBean(Store.class)).withClient("c1").withUser("ada");
      ShopStates shop = ShopStates.bind(ctx, new Shop());
      shop.incrementItems(1);
      shop.setItems(5);
      shop.incrementVisits(1);
      shop.onVisitsChange(change -> {
        throw new IllegalStateException("a listener that fails");
      });
      shop.incrementVisits(1);
      assertThat(registry.get("reactserver.state.writes").tag("scope", "client").counter().count()).isEqualTo(2);
      assertThat(registry.get("reactserver.state.writes").tag("scope", "global").counter().count()).isEqualTo(2);
      assertThat(registry.get("reactserver.state.writes").tag("scope", "user").counter().count()).isZero();
      assertThat(registry.get("reactserver.state.states").tag("scope", "client").gauge().value()).isEqualTo(1);
      assertThat(registry.get("reactserver.state.states").tag("scope", "user").gauge().value()).isEqualTo(1);
      // the global states: "visits" and the client id signing key
      assertThat(registry.get("reactserver.state.states").tag("scope", "global").gauge().value()).isEqualTo(2);
      assertThat(registry.get("reactserver.state.listener.failures").counter().count()).isEqualTo(1);
      assertThat(registry.get("reactserver.state.live.streams").gauge().value()).isZero();
      context.getBean(LiveUpdates.class).open(ctx).watch("items", shop::onItemsChange, () -> "items");
      assertThat(registry.get("reactserver.state.live.streams").gauge().value()).isEqualTo(1);
      assertThat(registry.get("reactserver.state.live.clients").gauge().value()).isEqualTo(1);
      assertThat(registry.get("reactserver.state.live.subscriptions").gauge().value()).isEqualTo(1);
      assertThat(registry.get("reactserver.state.subscriptions").gauge().value()).isEqualTo(2); // + the failing one
      assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags().toString())
          .doesNotContain("c1").doesNotContain("ada").doesNotContain("items"));
    });
  }

  @Test
  void aServerStoreTimesItsCallsAndCountsUpdateRetries() {
    runner.withPropertyValues("reactserver.state.store=redis", "reactserver.state.redis.uri=" + TestServers.redisUri(),
        "reactserver.state.redis.prefix=metrics" + UUID.randomUUID().toString().substring(0, 8)).run(context -> {
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          StateContext ctx = StateContext.of(context.getBean(Store.class)).withClient("c1");
          ShopStates shop = ShopStates.bind(ctx, new Shop());
          shop.incrementItems(1);
          ShopStates other = ShopStates.bind(ctx, new Shop());
          AtomicBoolean first = new AtomicBoolean(true);
          shop.updateItems(n -> {
            if (first.getAndSet(false)) {
              other.setItems(10); // another writer wins the first attempt
            }
            return n + 1;
          });
          assertThat(shop.getItems()).isEqualTo(11);
          assertThat(registry.get("reactserver.state.update.retries").counter().count()).isEqualTo(1);
          assertThat(registry.get("reactserver.state.writes").tag("scope", "client").counter().count()).isEqualTo(3);
          Timer increments = registry.get("reactserver.state.store.calls").tag("operation", "increment")
              .tag("outcome", "success").timer();
          assertThat(increments.count()).isEqualTo(1);
          assertThat(registry.get("reactserver.state.store.calls").tag("operation", "bind").timer().count())
              .isGreaterThanOrEqualTo(2);
          assertThat(registry.find("reactserver.state.states").gauges()).isEmpty(); // server-wide: not per node
        });
  }

  @Test
  void withoutMicrometerThereAreNoMeters() {
    new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(StateAutoConfiguration.class, StateMetricsAutoConfiguration.class))
        .withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(MicrometerStoreMetrics.class);
        });
  }
}
