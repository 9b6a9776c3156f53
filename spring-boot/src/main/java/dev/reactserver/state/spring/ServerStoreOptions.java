package dev.reactserver.state.spring;

import dev.reactserver.state.remote.spi.RemoteStoreBuilder;
import dev.reactserver.state.runtime.StoreMetrics;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;

/** The properties every server store shares; loaded only when a server store module is present. */
final class ServerStoreOptions {

  private ServerStoreOptions() {}

  static <B extends RemoteStoreBuilder<B>> B apply(B builder, StateProperties properties,
      ObjectProvider<StoreMetrics> metrics) {
    builder.metrics(metrics.getIfUnique(() -> StoreMetrics.NONE));
    Duration idle = properties.getIdleClientTimeout();
    return idle == null || idle.isZero() ? builder.noIdleClientTimeout() : builder.idleClientTimeout(idle);
  }
}
