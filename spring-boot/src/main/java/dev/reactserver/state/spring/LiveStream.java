package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateListener;
import dev.reactserver.state.runtime.Subscription;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One browser's stream of Server-Sent Events, opened by {@link LiveUpdates#open}. Each
 * {@linkplain #watch watch} names an event, the states it follows and how to render it; the stream
 * sends the render once when the watch is added (a browser that reconnects catches up), then after
 * every change of those states.
 *
 * <p>Bursts coalesce: a watch is pending at most once, and its render runs when it is sent, so the
 * browser gets the latest render and a slow browser costs no more memory than a fast one (at most one
 * pending event per watch). Renders and sends run on the stream's sender, one at a time, never on the
 * thread that wrote the state. When the connection closes (found by a failed send or heartbeat),
 * every subscription of the stream is closed. Thread-safe.
 */
public final class LiveStream {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");

  private final LiveUpdates updates;
  private final String clientId;
  private final SseEmitter emitter;
  private final Executor sender;
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final Queue<Watch> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final AtomicBoolean open = new AtomicBoolean(true);
  /** Set once close() has closed every subscription: what {@link #isOpen()} reports. */
  private volatile boolean closed;
  private volatile boolean heartbeatDue;
  private volatile ScheduledFuture<?> heartbeat;

  LiveStream(LiveUpdates updates, String clientId, SseEmitter emitter, Executor sender) {
    this.updates = updates;
    this.clientId = clientId;
    this.emitter = emitter;
    this.sender = sender;
    emitter.onCompletion(this::close);
    emitter.onTimeout(this::close);
    emitter.onError(error -> close());
  }

  /**
   * Sends the event {@code event} with {@code render}'s result as its data (a {@code String}, such as
   * server-rendered HTML, as it is; other objects through the application's message converters) now and
   * whenever a state that {@code source} subscribes to changes.
   *
   * <p>{@code source} subscribes the given listener: a generated {@code onItemsChange} method
   * ({@code cart::onItemsChange}), or a whole scope ({@code l -> store.subscribe(scope, l)}). If the state
   * or scope is deleted while the stream is open, the watch renders the deletion and subscribes again.
   *
   * @return this stream
   */
  public LiveStream watch(String event, Function<StateListener<Object>, Subscription> source,
      Supplier<?> render) {
    Watch watch = new Watch(Objects.requireNonNull(event, "event"), Objects.requireNonNull(source, "source"),
        Objects.requireNonNull(render, "render"));
    watches.add(watch);
    watch.subscribe();
    markPending(watch);
    return this;
  }

  /** The emitter to return from the controller method. */
  public SseEmitter emitter() {
    return emitter;
  }

  /** Whether the stream is still open; once it is not, every subscription of the stream is closed. */
  public boolean isOpen() {
    return !closed;
  }

  /** Completes the stream and closes its subscriptions; closing twice is harmless. */
  public void close() {
    if (!open.compareAndSet(true, false)) {
      return;
    }
    ScheduledFuture<?> beat = heartbeat;
    if (beat != null) {
      beat.cancel(false);
    }
    for (Watch watch : watches) {
      watch.unsubscribe();
    }
    updates.closed(this);
    try {
      emitter.complete();
    } catch (RuntimeException alreadyCompleted) {
      // the connection is gone already
    } finally {
      closed = true;
    }
  }

  String clientId() {
    return clientId;
  }

  int subscriptions() {
    return open.get() ? watches.size() : 0;
  }

  void startHeartbeat(ScheduledFuture<?> beat) {
    heartbeat = beat;
    if (!open.get()) {
      beat.cancel(false);
    }
  }

  /** Called by the heartbeat schedule: a comment goes out on the sender, which also touches the client. */
  void beat() {
    heartbeatDue = true;
    drainSoon();
  }

  private void markPending(Watch watch) {
    if (open.get() && !watch.pending.getAndSet(true)) {
      pending.add(watch);
      drainSoon();
    }
  }

  private void drainSoon() {
    if (draining.compareAndSet(false, true)) {
      try {
        sender.execute(this::drain);
      } catch (RuntimeException rejected) { // the application is shutting down
        draining.set(false);
        close();
      }
    }
  }

  // One drain at a time per stream: a send that blocks on a slow browser holds only this stream's turn.
  private void drain() {
    do {
      try {
        sendPending();
      } finally {
        draining.set(false);
      }
    } while (open.get() && (heartbeatDue || !pending.isEmpty()) && draining.compareAndSet(false, true));
  }

  private void sendPending() {
    Watch watch;
    while (open.get() && (watch = pending.poll()) != null) {
      watch.pending.set(false); // a change from here on renders it again
      Object data;
      try {
        data = watch.render.get();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "rendering live event '" + watch.event + "' failed", e);
        continue;
      }
      send(SseEmitter.event().name(watch.event).data(data));
    }
    if (open.get() && heartbeatDue) {
      heartbeatDue = false;
      updates.touch(clientId);
      send(SseEmitter.event().comment("heartbeat"));
    }
  }

  private void send(SseEmitter.SseEventBuilder event) {
    try {
      emitter.send(event);
    } catch (IOException | IllegalStateException closed) {
      close();
    }
  }

  /** One watch: its event, subscription and whether a render of it is queued. */
  private final class Watch implements StateListener<Object> {
    final String event;
    final Function<StateListener<Object>, Subscription> source;
    final Supplier<?> render;
    final AtomicBoolean pending = new AtomicBoolean();
    volatile Subscription subscription;

    Watch(String event, Function<StateListener<Object>, Subscription> source, Supplier<?> render) {
      this.event = event;
      this.source = source;
      this.render = render;
    }

    void subscribe() {
      Subscription s = source.apply(this);
      subscription = s;
      if (!open.get()) {
        s.close(); // the stream closed meanwhile: close() may not have seen this subscription
      }
    }

    void unsubscribe() {
      Subscription s = subscription;
      if (s != null) {
        s.close();
      }
    }

    @Override
    public void onChange(StateChange<Object> change) {
      if (!open.get()) {
        return;
      }
      markPending(this);
      Subscription s = subscription;
      if (change.deleted() && s != null && !s.isActive()) {
        subscribe();
      }
    }
  }
}
