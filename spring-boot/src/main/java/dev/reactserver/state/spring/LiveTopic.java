package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateChange;
import dev.reactserver.state.runtime.StateListener;
import dev.reactserver.state.runtime.Subscription;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Queue;
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
 * round, encodes the event once, and the streams send the same bytes. Because its rounds run one
 * at a time and each renders after the changes it handles were counted, frames never go backwards, and
 * a round whose render equals the previous one's keeps the previous frame, which streams do not send
 * twice.
 */
final class LiveTopic implements StateListener<Object> {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");

  /** What identifies a topic: the watched state or scope, and for a shared render its event. */
  record Key(Object source, String sharedEvent) {}

  /** An event encoded once, sent as it is by every stream; {@code number} grows with every new frame. */
  static final class Frame {
    final byte[] bytes;
    final long number;

    Frame(byte[] bytes, long number) {
      this.bytes = bytes;
      this.number = number;
    }
  }

  /** Streams a fan-out task sends to on its own thread (their sends never block). */
  private static final int SLICE = 256;
  private static final LiveStream.Watch[] NONE = {};

  final Key key;
  private final Function<StateListener<Object>, Subscription> subscriber;
  private final Supplier<?> sharedRender;
  private final Executor fanOut;

  /**
   * Copied on every add and remove (under the topic's monitor), read without a lock: a fan-out reads it
   * once per change, and most topics (a client's own states) have one watch.
   */
  private volatile LiveStream.Watch[] watches = NONE;
  /** Watches of a shared topic that wait for their first frame; null for per-stream renders. */
  private final Queue<LiveStream.Watch> newcomers;
  /** The latest frame of a shared topic: what every watch sends when its stream drains. */
  private volatile Frame frame;
  private final AtomicLong changes = new AtomicLong();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean resubscribe;
  private volatile boolean closed;
  private volatile Subscription subscription;
  /** Streams that joined and have not left; changed only inside the topic map's compute for the key. */
  int members;
  // Read and written by the round that holds `scheduled`:
  private long handled;

  LiveTopic(Key key, Function<StateListener<Object>, Subscription> subscriber, Supplier<?> sharedRender,
      Executor fanOut) {
    this.key = key;
    this.subscriber = subscriber;
    this.sharedRender = sharedRender;
    this.fanOut = fanOut;
    this.newcomers = sharedRender == null ? null : new ConcurrentLinkedQueue<>();
  }

  /** Subscribes to the store; called once, by the thread that created the topic. */
  void subscribe() {
    subscription = subscriber.apply(this);
  }

  /** The latest frame of a shared topic; null before its first render. */
  Frame frame() {
    return frame;
  }

  /** Adds a stream's watch; a shared topic sends it the current frame. */
  void add(LiveStream.Watch watch) {
    synchronized (this) {
      LiveStream.Watch[] next = Arrays.copyOf(watches, watches.length + 1);
      next[watches.length] = watch;
      watches = next;
    }
    if (sharedRender != null) {
      newcomers.add(watch);
      schedule();
    }
  }

  void remove(LiveStream.Watch watch) {
    synchronized (this) {
      LiveStream.Watch[] current = watches;
      for (int i = 0; i < current.length; i++) {
        if (current[i] == watch) {
          LiveStream.Watch[] next = new LiveStream.Watch[current.length - 1];
          System.arraycopy(current, 0, next, 0, i);
          System.arraycopy(current, i + 1, next, i, next.length - i);
          watches = next;
          return;
        }
      }
    }
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
    } while ((changes.get() != handled || (frame != null && newcomers != null && !newcomers.isEmpty()))
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
    Frame current = frame;
    if (changed || current == null) {
      byte[] rendered = render();
      if (rendered != null && (current == null || !Arrays.equals(rendered, current.bytes))) {
        // One write here, none per watch: each stream reads the frame when it drains.
        current = new Frame(rendered, current == null ? 1 : current.number + 1);
        frame = current;
        sendToAll();
      }
    }
    LiveStream.Watch newcomer;
    while (current != null && (newcomer = newcomers.poll()) != null) {
      newcomer.changed();
    }
  }

  // The same bytes to every stream, a slice of streams per task: no hand-off per stream, and the
  // senders share a large fan-out.
  private void sendToAll() {
    LiveStream.Watch[] all = watches;
    for (int from = SLICE; from < all.length; from += SLICE) {
      LiveStream.Watch[] slice = all;
      int start = from;
      try {
        fanOut.execute(() -> sendNow(slice, start));
      } catch (RuntimeException rejected) { // the application is stopping: its streams are closing
        return;
      }
    }
    sendNow(all, 0);
  }

  private static void sendNow(LiveStream.Watch[] all, int from) {
    for (int i = from, end = Math.min(all.length, from + SLICE); i < end; i++) {
      all[i].sendNow();
    }
  }

  private byte[] render() {
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
    return SseFrames.event(key.sharedEvent(), text.toString());
  }
}
