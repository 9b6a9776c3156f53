package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateListener;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.Subscription;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Streams state changes to browsers as Server-Sent Events ({@link LiveStream}), and ends a client's
 * states once its last stream has been closed for {@code endClientAfter} (a reload or a second tab
 * within that time keeps them). While a client has an open stream, its heartbeats keep it from the
 * idle timeout. Thread-safe; closed with the application context.
 *
 * <p>Every stream of this node that watches a state shares one store subscription ({@link LiveTopic});
 * its listener only counts the change, and the fan-out to the streams, their renders and their sends
 * run on a fixed pool of sender threads, whatever the number of streams. Lock order: a topic's entry
 * in the topic map (held while a topic subscribes to the store, never while user code runs), then the
 * store's own locks. A topic's monitor (adding and removing watches) and an emitter's write lock (the
 * servlet container's locks inside it) are each taken alone.
 *
 * <pre>{@code
 * @GetMapping(path = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
 * SseEmitter live(StateContext ctx) {
 *   CartStates cart = CartStates.bind(ctx.forComponent("cart#1"), new Cart());
 *   return liveUpdates.open(ctx)
 *       .watch("cart", cart.itemsState(), () -> views.cart(cart))
 *       .emitter();
 * }
 * }</pre>
 */
public final class LiveUpdates implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  /** A stream whose response is not committed this long after its opening is closed. */
  private static final Duration START_LIMIT = Duration.ofSeconds(5);

  private final Store store;
  private final Duration heartbeat;
  private final Duration endClientAfter;
  private final ThreadPoolExecutor senders;
  private final ScheduledThreadPoolExecutor timers;
  private final GraceTimer graceTimer;
  private final Supplier<? extends LiveEmitter> emitters;
  private final Set<LiveStream> streams = ConcurrentHashMap.newKeySet();
  private final Map<String, ClientStreams> clients = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<LiveTopic.Key, LiveTopic> topics = new ConcurrentHashMap<>();

  /**
   * Live updates of {@code store}, with a heartbeat every {@code heartbeat} and clients ended
   * {@code endClientAfter} after their last stream ({@link Duration#ZERO}: never), on
   * {@link #defaultSenders()} sender threads.
   */
  public LiveUpdates(Store store, Duration heartbeat, Duration endClientAfter) {
    this(store, heartbeat, endClientAfter, defaultSenders());
  }

  /**
   * Live updates as {@link #LiveUpdates(Store, Duration, Duration)}, on {@code senders} threads that
   * render and send for every stream.
   *
   * @throws IllegalArgumentException if {@code senders} is not positive
   */
  public LiveUpdates(Store store, Duration heartbeat, Duration endClientAfter, int senders) {
    this(store, heartbeat, endClientAfter, senders, LiveEmitter::new);
  }

  LiveUpdates(Store store, Duration heartbeat, Duration endClientAfter, int senders,
      Supplier<? extends LiveEmitter> emitters) {
    this(store, heartbeat, endClientAfter, senders, emitters, null);
  }

  /** As above; {@code graceTimer} (null: the timer thread) decides when a client's grace ends. */
  LiveUpdates(Store store, Duration heartbeat, Duration endClientAfter, int senders,
      Supplier<? extends LiveEmitter> emitters, GraceTimer graceTimer) {
    this.emitters = emitters;
    this.store = Objects.requireNonNull(store, "store");
    this.heartbeat = requirePositive(heartbeat, "heartbeat");
    this.endClientAfter = Objects.requireNonNull(endClientAfter, "endClientAfter");
    if (endClientAfter.isNegative()) {
      throw new IllegalArgumentException("endClientAfter must not be negative, but was " + endClientAfter);
    }
    if (senders < 1) {
      throw new IllegalArgumentException("senders must be positive, but was " + senders);
    }
    AtomicInteger threads = new AtomicInteger();
    this.senders = new ThreadPoolExecutor(senders, senders, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
        task -> daemon(task, "reactserver-state-live-" + threads.incrementAndGet()));
    this.timers = new ScheduledThreadPoolExecutor(1, task -> daemon(task, "reactserver-state-live-timer"));
    timers.setRemoveOnCancelPolicy(true);
    this.graceTimer = graceTimer != null ? graceTimer
        : (end, after) -> timers.schedule(end, after.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Runs a client's end once its grace time is over, unless cancelled first. */
  @FunctionalInterface
  interface GraceTimer {
    Future<?> schedule(Runnable end, Duration after);
  }

  /**
   * The available processors, at least 2: the senders of {@link #LiveUpdates(Store, Duration, Duration)}.
   * Sends never block (a connection that cannot take more waits without a thread), so more threads than
   * processors only add switches.
   */
  public static int defaultSenders() {
    return Math.max(2, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Opens a stream for the client of {@code context}; add watches, then return its
   * {@link LiveStream#emitter()} from the controller.
   *
   * @throws IllegalArgumentException if {@code context} has no client
   */
  public LiveStream open(StateContext context) {
    String clientId = context.clientId().orElseThrow(() -> new IllegalArgumentException(
        "a live stream needs a StateContext with a client (the request's context has one)"));
    LiveStream stream = new LiveStream(this, clientId, emitters.get(), senders);
    clients.compute(clientId, (id, client) -> {
      ClientStreams streamsOfClient = client == null ? new ClientStreams() : client;
      streamsOfClient.open++;
      if (streamsOfClient.ending != null) {
        streamsOfClient.ending.cancel(false);
        streamsOfClient.ending = null;
      }
      return streamsOfClient;
    });
    streams.add(stream);
    long halfPeriod = Math.max(1, heartbeat.toMillis() / 2);
    long period = heartbeat.toNanos();
    long startLimit = Math.max(period, START_LIMIT.toNanos());
    try {
      stream.startHeartbeat(timers.scheduleAtFixedRate(() -> stream.beat(period, startLimit), halfPeriod,
          halfPeriod, TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException closed) { // the application is stopping: the stream ends at once
      stream.close();
    }
    return stream;
  }

  /** How many streams are open. */
  public int openStreams() {
    return streams.size();
  }

  /** How many clients have an open stream, or are in their grace time after the last one. */
  public int clients() {
    return clients.size();
  }

  /**
   * How many store subscriptions the open streams hold: one per watched state or scope on this node
   * (one per event for shared renders), however many streams watch it, plus one per watch given a
   * subscribe function.
   */
  public int subscriptions() {
    int count = topics.size();
    for (LiveStream stream : streams) {
      count += stream.ownSubscriptions();
    }
    return count;
  }

  /** How many threads render and send for the streams; it does not grow with their number. */
  public int senderThreads() {
    return senders.getPoolSize();
  }

  /**
   * Closes every stream; pending client ends are dropped (the idle timeout still applies). The starter
   * calls it when the application begins to stop, before the web server's graceful shutdown, which would
   * otherwise wait for the open streams.
   */
  @Override
  public void close() {
    for (LiveStream stream : streams) {
      stream.close();
    }
    timers.shutdownNow();
    senders.shutdownNow();
  }

  Store store() {
    return store;
  }

  /**
   * Adds {@code watch} to the topic of {@code key}, subscribing to the store if it is the first, and sets
   * the watch's topic before the topic can send it anything.
   */
  void join(LiveTopic.Key key, Function<StateListener<Object>, Subscription> subscriber,
      Supplier<?> sharedRender, LiveStream.Watch watch) {
    LiveTopic topic = topics.compute(key, (k, existing) -> {
      LiveTopic joined = existing;
      if (joined == null) {
        joined = new LiveTopic(k, subscriber, sharedRender, senders);
        joined.subscribe(); // inside compute: a second stream joins only once the subscription is active
      }
      joined.members++;
      return joined;
    });
    watch.topic = topic;
    topic.add(watch);
  }

  /** Removes {@code watch} from {@code topic}; the last one to leave closes its subscription. */
  void leave(LiveTopic topic, LiveStream.Watch watch) {
    topic.remove(watch);
    boolean[] last = {false};
    topics.computeIfPresent(topic.key, (key, current) -> {
      if (current != topic || --current.members > 0) {
        return current;
      }
      last[0] = true;
      return null;
    });
    if (last[0]) {
      topic.close();
    }
  }

  void closed(LiveStream stream) {
    if (!streams.remove(stream)) {
      return;
    }
    clients.compute(stream.clientId(), (id, client) -> {
      if (client == null || --client.open > 0) {
        return client;
      }
      if (endClientAfter.isZero() || timers.isShutdown()) {
        return null;
      }
      ClientStreams gone = client;
      gone.ending = graceTimer.schedule(() -> endIfStillGone(id, gone), endClientAfter);
      return gone;
    });
  }

  void touch(String clientId) {
    try {
      store.touchClient(clientId);
    } catch (StateException e) { // the message may name the client: not logged
      LOG.log(Level.WARNING, "could not touch a client with a live stream in " + store + ": "
          + e.getClass().getSimpleName());
    }
  }

  private void endIfStillGone(String clientId, ClientStreams gone) {
    boolean[] end = {false};
    clients.computeIfPresent(clientId, (id, client) -> {
      if (client == gone && client.open == 0) {
        end[0] = true;
        return null;
      }
      return client;
    });
    if (end[0]) {
      senders.execute(() -> {
        try {
          store.endClient(clientId); // runs listeners: on a sender, never under the map's lock
        } catch (StateException e) {
          LOG.log(Level.WARNING, "could not end a client whose live streams closed in " + store + ": "
              + e.getClass().getSimpleName());
        }
      });
    }
  }

  private static Duration requirePositive(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, but was " + duration);
    }
    return duration;
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  /** The open streams of one client, and the end scheduled once there are none. */
  private static final class ClientStreams {
    int open;
    Future<?> ending;
  }
}
