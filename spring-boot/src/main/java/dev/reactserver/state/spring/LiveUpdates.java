package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.Store;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Streams state changes to browsers as Server-Sent Events ({@link LiveStream}), and ends a client's
 * states once its last stream has been closed for {@code endClientAfter} (a reload or a second tab
 * within that time keeps them). While a client has an open stream, its heartbeats keep it from the
 * idle timeout. Thread-safe; closed with the application context.
 *
 * <pre>{@code
 * @GetMapping(path = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
 * SseEmitter live(StateContext ctx) {
 *   CartStates cart = CartStates.bind(ctx.forComponent("cart#1"), new Cart());
 *   return liveUpdates.open(ctx)
 *       .watch("cart", cart::onItemsChange, () -> views.cart(cart))
 *       .emitter();
 * }
 * }</pre>
 */
public final class LiveUpdates implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");

  private final Store store;
  private final Duration heartbeat;
  private final Duration endClientAfter;
  private final ExecutorService senders;
  private final ScheduledThreadPoolExecutor timers;
  private final Supplier<SseEmitter> emitters;
  private final Set<LiveStream> streams = ConcurrentHashMap.newKeySet();
  private final Map<String, ClientStreams> clients = new ConcurrentHashMap<>();

  /**
   * Live updates of {@code store}, with a heartbeat every {@code heartbeat} and clients ended
   * {@code endClientAfter} after their last stream ({@link Duration#ZERO}: never).
   */
  public LiveUpdates(Store store, Duration heartbeat, Duration endClientAfter) {
    this(store, heartbeat, endClientAfter, () -> new SseEmitter(0L)); // no timeout: heartbeats find dead streams
  }

  LiveUpdates(Store store, Duration heartbeat, Duration endClientAfter, Supplier<SseEmitter> emitters) {
    this.emitters = emitters;
    this.store = Objects.requireNonNull(store, "store");
    this.heartbeat = requirePositive(heartbeat, "heartbeat");
    this.endClientAfter = Objects.requireNonNull(endClientAfter, "endClientAfter");
    if (endClientAfter.isNegative()) {
      throw new IllegalArgumentException("endClientAfter must not be negative, but was " + endClientAfter);
    }
    AtomicInteger threads = new AtomicInteger();
    // Senders block while a browser does not read: each stream holds at most one of them.
    this.senders = Executors.newCachedThreadPool(task -> daemon(task, "reactserver-state-live-"
        + threads.incrementAndGet()));
    this.timers = new ScheduledThreadPoolExecutor(1, task -> daemon(task, "reactserver-state-live-timer"));
    timers.setRemoveOnCancelPolicy(true);
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
    long period = heartbeat.toMillis();
    try {
      stream.startHeartbeat(timers.scheduleAtFixedRate(stream::beat, period, period, TimeUnit.MILLISECONDS));
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

  /** How many subscriptions the open streams hold (one per watch). */
  public int subscriptions() {
    int count = 0;
    for (LiveStream stream : streams) {
      count += stream.subscriptions();
    }
    return count;
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
      gone.ending = timers.schedule(() -> endIfStillGone(id, gone), endClientAfter.toMillis(),
          TimeUnit.MILLISECONDS);
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
    ScheduledFuture<?> ending;
  }
}
