package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateListener;
import dev.reactserver.state.runtime.Subscription;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One watched state (or scope) on this node: the one store subscription that every live stream
 * watching it shares, and the fan-out of its changes to their watches.
 *
 * <p>The store tells the topic on the writing thread; the topic only counts the change and hands the
 * fan-out to the senders, so a write costs the same whatever the number of streams. The fan-out runs
 * one at a time per topic and coalesces: changes told while it runs make it run once more. A topic of
 * per-stream renders marks each watch pending (its stream renders it); a shared topic renders once per
 * round, encodes the event once, and offers the same bytes to every watch. Because its rounds run one
 * at a time and each renders after the changes it handles were counted, frames never go backwards, and
 * a round whose render equals the previous one's keeps the previous frame, which streams do not send
 * twice.
 */
final class LiveTopic implements StateListener<Object> {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");

  /** What identifies a topic: the watched state or scope, and for a shared render its event. */
  record Key(Object source, String sharedEvent) {}

  /** An event encoded once, sent as it is by every stream. */
  static final class Frame {
    final byte[] bytes;

    Frame(byte[] bytes) {
      this.bytes = bytes;
    }
  }

  final Key key;
  private final Function<StateListener<Object>, Subscription> subscriber;
  private final Supplier<?> sharedRender;
  private final Executor fanOut;
  private final Set<LiveStream.Watch> watches = ConcurrentHashMap.newKeySet();
  private final Queue<LiveStream.Watch> newcomers = new ConcurrentLinkedQueue<>();
  private final AtomicLong changes = new AtomicLong();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean resubscribe;
  private volatile boolean closed;
  private volatile Subscription subscription;
  /** Streams that joined and have not left; changed only inside the topic map's compute for the key. */
  int members;
  // Read and written by the round that holds `scheduled`:
  private long handled;
  private Frame frame;

  LiveTopic(Key key, Function<StateListener<Object>, Subscription> subscriber, Supplier<?> sharedRender,
      Executor fanOut) {
    this.key = key;
    this.subscriber = subscriber;
    this.sharedRender = sharedRender;
    this.fanOut = fanOut;
  }

  /** Subscribes to the store; called once, by the thread that created the topic. */
  void subscribe() {
    subscription = subscriber.apply(this);
  }

  /** Adds a stream's watch; a shared topic sends it the current frame. */
  void add(LiveStream.Watch watch) {
    watches.add(watch);
    if (sharedRender != null) {
      newcomers.add(watch);
      schedule();
    }
  }

  void remove(LiveStream.Watch watch) {
    watches.remove(watch);
  }

  /** Closes the store subscription, once the last stream has left. */
  void close() {
    closed = true;
    Subscription s = subscription;
    if (s != null) {
      s.close();
    }
  }

  @Override
  public void onChange(StateChange<Object> change) {
    if (change.deleted()) {
      Subscription s = subscription;
      if (s != null && !s.isActive()) {
        resubscribe = true; // the deletion ended the subscription: follow the state when it comes back
      }
    }
    changes.incrementAndGet();
    schedule();
  }

  private void schedule() {
    if (scheduled.compareAndSet(false, true)) {
      try {
        fanOut.execute(this::run);
      } catch (RuntimeException rejected) { // the application is stopping: its streams are closing
        scheduled.set(false);
      }
    }
  }

  private void run() {
    do {
      try {
        round();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a live update round failed", e);
      } finally {
        scheduled.set(false);
      }
    } while ((changes.get() != handled || (frame != null && !newcomers.isEmpty()))
        && scheduled.compareAndSet(false, true));
  }

  private void round() {
    if (resubscribe && !closed) {
      resubscribe = false;
      Subscription s = subscriber.apply(this);
      subscription = s;
      if (closed) {
        s.close(); // closed meanwhile: close() may have missed this subscription
      }
    }
    long counted = changes.get();
    boolean changed = counted != handled;
    handled = counted;
    if (sharedRender == null) {
      if (changed) {
        for (LiveStream.Watch watch : watches) {
          watch.changed();
        }
      }
      return;
    }
    if (changed || frame == null) {
      Frame rendered = render();
      if (rendered != null && (frame == null || !Arrays.equals(rendered.bytes, frame.bytes))) {
        frame = rendered;
        for (LiveStream.Watch watch : watches) {
          watch.offer(rendered);
        }
      }
    }
    Frame current = frame;
    LiveStream.Watch newcomer;
    while (current != null && (newcomer = newcomers.poll()) != null) {
      newcomer.offer(current);
    }
  }

  private Frame render() {
    Object data;
    try {
      data = sharedRender.get();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "rendering shared live event '" + key.sharedEvent() + "' failed", e);
      return null;
    }
    if (!(data instanceof CharSequence text)) {
      LOG.log(Level.WARNING, "shared live event '" + key.sharedEvent() + "' rendered "
          + (data == null ? "null" : "a " + data.getClass().getName()) + ", not text: not sent");
      return null;
    }
    return new Frame(SseFrames.event(key.sharedEvent(), text.toString()));
  }
}
