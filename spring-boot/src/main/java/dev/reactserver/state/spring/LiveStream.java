package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateListener;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.Subscription;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * One browser's stream of Server-Sent Events, opened by {@link LiveUpdates#open}. Each
 * {@linkplain #watch watch} names an event, what it follows and how to render it; the stream sends the
 * render once when the watch is added (a browser that reconnects catches up), then after every change
 * of what it follows.
 *
 * <p>Bursts coalesce: a watch is pending at most once, and it is rendered when it is sent, so the
 * browser gets the latest render and a slow browser costs no more memory than a fast one (at most one
 * pending event per watch). A watch never sends the same data twice in a row and never an older render
 * after a newer one. Renders and sends run on the live updates' senders, one at a time per stream,
 * never on the thread that wrote the state. When the connection closes (found by a failed send or
 * heartbeat), the stream leaves everything it watched. Thread-safe.
 */
public final class LiveStream {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  private static final VarHandle OPEN = handle(LiveStream.class, "open");
  private static final VarHandle DRAINING = handle(LiveStream.class, "draining");

  private final LiveUpdates updates;
  private final String clientId;
  private final LiveEmitter emitter;
  private final Executor sender;
  private final long openedAt = System.nanoTime();
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final Runnable drain = this::drain;
  // Flags as plain fields with atomic access: a node holds thousands of streams.
  private volatile boolean draining;
  /** Whether a watch may be pending: set before a drain is asked for, cleared by the drain. */
  private volatile boolean anyPending;
  /** Set when the connection can take more after a drain found it full. */
  private volatile boolean writable;
  private volatile boolean open = true;
  /** Set once close() has left everything the stream watched: what {@link #isOpen()} reports. */
  private volatile boolean closed;
  private volatile boolean heartbeatDue;
  private volatile ScheduledFuture<?> heartbeat;
  private int beats; // the stream's drain only (one at a time)

  LiveStream(LiveUpdates updates, String clientId, LiveEmitter emitter, Executor sender) {
    this.updates = updates;
    this.clientId = clientId;
    this.emitter = emitter;
    this.sender = sender;
    emitter.onWritable(this::writable);
    emitter.onCompletion(this::close);
    emitter.onTimeout(this::close);
    emitter.onError(error -> close());
    try {
      // Buffered by Spring until the controller returns, then flushed on the request thread: the
      // response is committed there, before any sender writes to it (see LiveEmitter).
      emitter.sendFrame(SseFrames.OPENING);
    } catch (IOException | IllegalStateException e) {
      close();
    }
  }

  /**
   * Sends the event {@code event} with {@code render}'s result as its data now and after every change
   * of {@code state}, rendered for this stream (a {@code String}, such as server-rendered HTML, as it
   * is; other objects through the application's message converters). Every stream of this node that
   * watches {@code state} shares one store subscription. If the state is deleted while the stream is
   * open, the watch renders the deletion and follows the state again.
   *
   * @return this stream
   * @throws IllegalArgumentException if {@code event} is empty or holds a line break
   */
  public LiveStream watch(String event, StateRef<?> state, Supplier<?> render) {
    Objects.requireNonNull(state, "state");
    return join(event, new LiveTopic.Key(state.id(), null), stateSubscriber(state), render, false);
  }

  /**
   * Like {@link #watch(String, StateRef, Supplier)}, but rendered once for every stream of this node:
   * {@code render} must give the same text to every client and user (no per-client data such as a CSRF
   * token inside it). After a change the first stream's render runs once, the event is encoded once,
   * and every stream that watches {@code state} under the name {@code event} sends the same bytes.
   * The render of the stream that started watching first is the one used.
   *
   * @return this stream
   * @throws IllegalArgumentException if {@code event} is empty or holds a line break
   */
  public LiveStream watchShared(String event, StateRef<?> state, Supplier<? extends CharSequence> render) {
    Objects.requireNonNull(state, "state");
    return join(event, new LiveTopic.Key(state.id(), event), stateSubscriber(state), render, true);
  }

  /**
   * Like {@link #watch(String, StateRef, Supplier)} for every state of the resolved scope
   * {@code scope} ({@code ctx.resolveScope("$client")}), including states created later.
   *
   * @return this stream
   * @throws IllegalArgumentException if {@code event} is empty or holds a line break
   */
  public LiveStream watchScope(String event, String scope, Supplier<?> render) {
    Objects.requireNonNull(scope, "scope");
    return join(event, new LiveTopic.Key(new ScopeSource(scope), null),
        listener -> updates.store().subscribe(scope, listener), render, false);
  }

  /**
   * Like {@link #watch(String, StateRef, Supplier)} for what {@code source} subscribes the given
   * listener to: a generated {@code onItemsChange} method ({@code cart::onItemsChange}), or any other
   * subscription. Each such watch holds a subscription of its own, whose listener runs on the writing
   * thread for every stream: for states that many streams watch, prefer the other forms, which share
   * one subscription per node.
   *
   * @return this stream
   * @throws IllegalArgumentException if {@code event} is empty or holds a line break
   */
  public LiveStream watch(String event, Function<StateListener<Object>, Subscription> source,
      Supplier<?> render) {
    Watch watch = new Watch(eventName(event), Objects.requireNonNull(render, "render"));
    Objects.requireNonNull(source, "source");
    watches.add(watch);
    watch.subscribeOwn(source);
    markPending(watch);
    return this;
  }

  /** The emitter to return from the controller method. */
  public SseEmitter emitter() {
    return emitter;
  }

  /** Whether the stream is still open; once it is not, the stream has left everything it watched. */
  public boolean isOpen() {
    return !closed;
  }

  /** Completes the stream and leaves everything it watched; closing twice is harmless. */
  public void close() {
    if (!OPEN.compareAndSet(this, true, false)) {
      return;
    }
    ScheduledFuture<?> beat = heartbeat;
    if (beat != null) {
      beat.cancel(false);
    }
    for (Watch watch : watches) {
      watch.leave();
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

  /** Subscriptions of this stream's own ({@code watch} with a subscribe function). */
  int ownSubscriptions() {
    int count = 0;
    if (open) {
      for (Watch watch : watches) {
        count += watch.topic == null ? 1 : 0;
      }
    }
    return count;
  }

  void startHeartbeat(ScheduledFuture<?> beat) {
    heartbeat = beat;
    if (!open) {
      beat.cancel(false);
    }
  }

  /**
   * Called by the heartbeat schedule, twice per heartbeat period: a write to a connection the browser
   * closed is answered with a reset, so the second of two writes fails and the stream is closed within
   * one period. Every other beat touches the client. A stream whose response was never committed (its
   * emitter not returned by the controller, or the request gone) is closed, and so is one whose
   * connection has taken nothing for a whole period (a browser that stopped reading, a connection that
   * died without a word): it would only fall further behind.
   */
  void beat(long periodNanos, long notStartedAfterNanos) {
    if (!emitter.started()) {
      if (System.nanoTime() - openedAt > notStartedAfterNanos) {
        LOG.log(Level.WARNING, "a live stream was not started within "
            + notStartedAfterNanos / 1_000_000 + " ms of its opening (was its emitter returned by the "
            + "controller method?): closed");
        close();
      }
      return;
    }
    if (emitter.stalledNanos() > periodNanos) {
      close();
      return;
    }
    heartbeatDue = true;
    drainSoon();
  }

  /**
   * Sends what is pending now, on the calling thread, unless the stream is draining already (then
   * that drain sends it): the fan-out of a shared topic, whose sends never block.
   */
  void sendNow(Watch watch) {
    if (open && !watch.pending && Watch.PENDING.compareAndSet(watch, false, true)) {
      anyPending = true;
      if (DRAINING.compareAndSet(this, false, true)) {
        drain();
      }
    }
  }

  private LiveStream join(String event, LiveTopic.Key key,
      Function<StateListener<Object>, Subscription> subscriber, Supplier<?> render, boolean shared) {
    Objects.requireNonNull(render, "render");
    Watch watch = new Watch(eventName(event), shared ? null : render);
    watches.add(watch); // before it joins: a shared topic may send it a frame at once
    updates.join(key, subscriber, shared ? render : null, watch);
    if (!open) {
      watch.leave(); // the stream closed meanwhile: close() may not have seen this watch
    } else if (!shared) {
      markPending(watch);
    }
    return this;
  }

  private static Function<StateListener<Object>, Subscription> stateSubscriber(StateRef<?> state) {
    @SuppressWarnings("unchecked")
    StateRef<Object> ref = (StateRef<Object>) state;
    return ref::subscribe;
  }

  private static String eventName(String event) {
    Objects.requireNonNull(event, "event");
    if (!SseFrames.isEventName(event)) {
      throw new IllegalArgumentException("a live event name must be non-empty and on one line, but was '"
          + event.replace("\n", "\\n").replace("\r", "\\r") + "'");
    }
    return event;
  }

  private void markPending(Watch watch) {
    if (open && !watch.pending && Watch.PENDING.compareAndSet(watch, false, true)) {
      anyPending = true;
      drainSoon();
    }
  }

  private void drainSoon() {
    if (open && DRAINING.compareAndSet(this, false, true)) {
      try {
        sender.execute(drain);
      } catch (RuntimeException rejected) { // the application is shutting down
        draining = false;
        close();
      }
    }
  }

  // One drain at a time per stream. A drain stops when the connection cannot take more; the emitter
  // tells writable() once it can, also while that drain is still ending (then the drain goes on).
  private void drain() {
    while (true) {
      boolean stalled;
      try {
        writable = false;
        stalled = !sendPending();
      } finally {
        draining = false;
      }
      boolean more = stalled ? writable : heartbeatDue || anyPending;
      if (!open || !more || !DRAINING.compareAndSet(this, false, true)) {
        return;
      }
    }
  }

  private void writable() {
    writable = true;
    drainSoon();
  }

  /** Sends every pending watch, then a due heartbeat; false if the connection could not take one. */
  // A stream has a few watches: scanning their flags costs less than queueing them.
  private boolean sendPending() {
    anyPending = false; // before the flags are read: a watch marked from here on drains again
    for (Watch watch : watches) {
      if (open && watch.pending) {
        watch.pending = false; // a change from here on sends it again
        if (!watch.send()) {
          watch.pending = true;
          anyPending = true;
          return false;
        }
      }
    }
    if (open && heartbeatDue) {
      if (!sendFrame(SseFrames.HEARTBEAT)) {
        return false;
      }
      heartbeatDue = false;
      if (++beats % 2 == 0) {
        updates.touch(clientId);
      }
    }
    return true;
  }

  /** False if the connection cannot take the frame now; a failed send closes the stream. */
  private boolean sendFrame(byte[] frame) {
    try {
      return emitter.sendFrame(frame);
    } catch (IOException | IllegalStateException gone) {
      close();
      return true;
    }
  }

  private boolean sendEvent(SseEmitter.SseEventBuilder event) {
    try {
      return emitter.sendEvent(event);
    } catch (IOException | IllegalStateException gone) {
      close();
      return true;
    }
  }

  private static VarHandle handle(Class<?> owner, String field) {
    try {
      return MethodHandles.lookup().findVarHandle(owner, field, boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A resolved scope as a topic's source (never equal to a state's id). */
  private record ScopeSource(String scope) {}

  /**
   * One watch of this stream: its event, how it renders (or the shared topic's frames), and what it
   * sent last, so that it never sends the same data twice in a row.
   */
  final class Watch implements StateListener<Object> {
    static final VarHandle PENDING = handle(Watch.class, "pending");
    private static final VarHandle LEFT = handle(Watch.class, "left");

    final String event;
    final Supplier<?> render; // null: frames come from a shared topic
    volatile boolean pending;
    private volatile boolean left;
    volatile LiveTopic topic;
    private volatile Subscription own;
    private volatile Function<StateListener<Object>, Subscription> ownSource;
    // The stream's drain only: what it sent last (a render, or the number of a shared frame).
    private Object lastSent;
    private long lastFrame;

    Watch(String event, Supplier<?> render) {
      this.event = event;
      this.render = render;
    }

    /** A state it follows changed, or its shared topic has a new frame: send it again. */
    void changed() {
      markPending(this);
    }

    /** Its shared topic has a new frame: send it on this thread unless the stream is draining. */
    void sendNow() {
      LiveStream.this.sendNow(this);
    }

    void subscribeOwn(Function<StateListener<Object>, Subscription> source) {
      ownSource = source;
      Subscription s = source.apply(this);
      own = s;
      if (!open) {
        s.close(); // the stream closed meanwhile: close() may not have seen this subscription
      }
    }

    void leave() {
      LiveTopic t = topic;
      if (t != null && LEFT.compareAndSet(this, false, true)) { // close() and join() may both get here
        updates.leave(t, this);
      }
      Subscription s = own;
      if (s != null) {
        s.close();
      }
    }

    /** A watch with a subscription of its own hears changes here, on the writing thread. */
    @Override
    public void onChange(StateChange<Object> change) {
      if (!open) {
        return;
      }
      markPending(this);
      Subscription s = own;
      if (change.deleted() && s != null && !s.isActive()) {
        subscribeOwn(ownSource);
      }
    }

    /** Sends the latest render or frame unless it was sent last; false if the connection is full. */
    boolean send() {
      if (render == null) {
        LiveTopic.Frame frame = topic.frame();
        if (frame == null || frame.number <= lastFrame) {
          return true;
        }
        boolean sent = sendFrame(frame.bytes);
        if (sent) {
          lastFrame = frame.number;
        }
        return sent;
      }
      Object data;
      try {
        data = render.get();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "rendering live event '" + event + "' failed", e);
        return true;
      }
      if (data == null || data.equals(lastSent)) {
        return true;
      }
      boolean sent = data instanceof String text ? sendFrame(SseFrames.event(event, text))
          : sendEvent(SseEmitter.event().name(event).data(data));
      if (sent) {
        lastSent = data;
      }
      return sent;
    }
  }
}
