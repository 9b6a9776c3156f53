package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.ScopeKind;
import dev.reactserver.state.runtime.StoreMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Records what the store tells ({@link StoreMetrics}) as Micrometer meters, tagged only by scope kind,
 * operation and outcome (never by key or id):
 * {@code reactserver.state.writes}, {@code reactserver.state.update.retries},
 * {@code reactserver.state.listener.failures} and the timer {@code reactserver.state.store.calls}.
 */
public final class MicrometerStoreMetrics implements StoreMetrics {

  private final MeterRegistry registry;
  private final Counter[] writes = new Counter[ScopeKind.values().length];
  private final Counter retries;
  private final Counter listenerFailures;
  private final Map<String, Timer> calls = new ConcurrentHashMap<>();

  /** Meters in {@code registry}. */
  public MicrometerStoreMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (ScopeKind kind : ScopeKind.values()) {
      writes[kind.ordinal()] = Counter.builder("reactserver.state.writes").tag("scope", tag(kind))
          .description("States written: set, updated, incremented or overwritten").register(registry);
    }
    retries = Counter.builder("reactserver.state.update.retries")
        .description("Optimistic updates that lost to another writer and ran again").register(registry);
    listenerFailures = Counter.builder("reactserver.state.listener.failures")
        .description("Listeners that threw").register(registry);
  }

  static String tag(ScopeKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void stateWritten(ScopeKind kind) {
    writes[kind.ordinal()].increment();
  }

  @Override
  public void updateRetried() {
    retries.increment();
  }

  @Override
  public void listenerFailed() {
    listenerFailures.increment();
  }

  @Override
  public void serverCall(String operation, long nanos, boolean failed) {
    String outcome = failed ? "failure" : "success";
    calls.computeIfAbsent(operation + '/' + outcome, name -> Timer.builder("reactserver.state.store.calls")
        .tag("operation", operation).tag("outcome", outcome)
        .description("Calls of a server store, each one or more round trips").register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
