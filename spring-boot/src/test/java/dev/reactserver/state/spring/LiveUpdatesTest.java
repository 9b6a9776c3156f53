package dev.reactserver.state.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StoreOptions;
import dev.reactserver.state.runtime.Subscription;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;

/** The live-update helper against a recording emitter: what is sent, coalescing, closing, ending. */
class LiveUpdatesTest {

  private final AtomicLong now = new AtomicLong(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());
  private final InMemoryStore store = new InMemoryStore(StoreOptions.builder()
      .idleClientTimeout(Duration.ofMinutes(10)).clock(new MovableClock(now)).build());
  private final List<RecordingEmitter> emitters = new CopyOnWriteArrayList<>();
  private final ManualGrace grace = new ManualGrace();
  private LiveUpdates live = liveUpdates(Duration.ofSeconds(30), Duration.ofMillis(300));

  @AfterEach
  void close() {
    live.close();
  }

  private LiveUpdates liveUpdates(Duration heartbeat, Duration grace) {
    return new LiveUpdates(store, heartbeat, grace, 4, () -> {
      RecordingEmitter emitter = new RecordingEmitter();
      emitters.add(emitter);
      return emitter;
    }, this.grace);
  }

  @Test
  void aWatchSendsItsRenderAtOnceAndAfterEveryChange() {
    StateContext ctx = StateContext.of(store).withClient("c1");
    ShopStates shop = ShopStates.bind(ctx, new Shop());
    live.open(ctx).watch("items", shop::onItemsChange, () -> "items " + shop.getItems());
    RecordingEmitter emitter = emitters.get(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> emitter.sent.contains("event:items|data:items 0"));
    shop.incrementItems(2);
    await().atMost(Duration.ofSeconds(10)).until(() -> emitter.sent.contains("event:items|data:items 2"));
    ShopStates.bind(StateContext.of(store).withClient("c2"), new Shop()).incrementItems(5); // another client
    shop.incrementVisits(1); // a state the watch does not follow
    shop.incrementItems(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> emitter.sent.contains("event:items|data:items 3"));
    assertThat(emitter.sent).containsExactly("event:items|data:items 0", "event:items|data:items 2",
        "event:items|data:items 3");
  }

  @Test
  void burstsCoalesceSoASlowBrowserCostsAtMostOnePendingEventPerWatch() throws Exception {
    StateContext ctx = StateContext.of(store).withClient("c1");
    ShopStates shop = ShopStates.bind(ctx, new Shop());
    LiveStream stream = live.open(ctx);
    RecordingEmitter emitter = emitters.get(0);
    emitter.blockNextSend();
    stream.watch("items", shop::onItemsChange, () -> "items " + shop.getItems());
    assertThat(emitter.blocked.await(5, TimeUnit.SECONDS)).isTrue(); // the browser does not read
    for (int i = 0; i < 10_000; i++) {
      shop.incrementItems(1); // the writers do not wait for it
    }
    emitter.unblock();
    await().atMost(Duration.ofSeconds(10)).until(() -> emitter.sent.contains("event:items|data:items 10000"));
    assertThat(emitter.sent).hasSizeLessThanOrEqualTo(2);
  }

  @Test
  void aStreamWhoseBrowserLeftClosesEverySubscription() {
    live.close();
    live = liveUpdates(Duration.ofMillis(50), Duration.ZERO);
    StateContext ctx = StateContext.of(store).withClient("c1");
    ShopStates shop = ShopStates.bind(ctx, new Shop());
    List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    LiveStream stream = live.open(ctx)
        .watch("items", l -> keep(subscriptions, shop.onItemsChange(l)), () -> "items")
        .watch("visits", l -> keep(subscriptions, shop.onVisitsChange(l)), () -> "visits")
        .watch("client", l -> keep(subscriptions, store.subscribe(ctx.resolveScope("$client"), l)), () -> "all");
    assertThat(live.subscriptions()).isEqualTo(3);
    assertThat(live.openStreams()).isEqualTo(1);
    emitters.get(0).disconnect(); // the next heartbeat's send fails
    await().atMost(Duration.ofSeconds(10)).until(() -> !stream.isOpen());
    assertThat(subscriptions).hasSize(3).noneMatch(Subscription::isActive);
    assertThat(live.subscriptions()).isZero();
    assertThat(live.openStreams()).isZero();
    assertThat(live.clients()).isZero();
    assertThat(store.hasState(StateId.of(ctx.resolveScope("$client"), "items"))).isTrue(); // no grace end
  }

  @Test
  void aClientsStatesEndAfterTheGraceOfItsLastStreamUnlessItComesBack() throws Exception {
    StateContext ctx = StateContext.of(store).withClient("c1");
    ShopStates shop = ShopStates.bind(ctx, new Shop());
    shop.incrementItems(1);
    StateId items = StateId.of(ctx.resolveScope("$client"), "items");
    LiveStream tab1 = live.open(ctx).watch("items", shop::onItemsChange, () -> "items");
    LiveStream tab2 = live.open(ctx).watch("items", shop::onItemsChange, () -> "items");
    tab1.close();
    assertThat(grace.pending()).isEmpty(); // a second tab is still open: no grace starts
    tab2.close();
    assertThat(grace.pending()).containsExactly(Duration.ofMillis(300));
    LiveStream reload = live.open(ctx).watch("items", shop::onItemsChange, () -> "items"); // within the grace
    assertThat(grace.pending()).isEmpty(); // the reload cancelled the end
    grace.elapse();
    assertThat(store.hasState(items)).isTrue();
    assertThat(live.clients()).isEqualTo(1);
    reload.close();
    assertThat(grace.pending()).hasSize(1);
    assertThat(store.hasState(items)).isTrue();
    grace.elapse();
    await().atMost(Duration.ofSeconds(10)).until(() -> !store.hasState(items));
    assertThat(live.clients()).isZero();
    assertThat(ShopStates.bind(StateContext.of(store).withClient("c2"), new Shop()).getItems()).isZero();
  }

  @Test
  void heartbeatsKeepAClientWithAnOpenStreamFromTheIdleTimeout() {
    live.close();
    live = liveUpdates(Duration.ofMillis(50), Duration.ZERO);
    StateContext ctx = StateContext.of(store).withClient("watching");
    StateContext other = StateContext.of(store).withClient("gone");
    ShopStates watched = ShopStates.bind(ctx, new Shop());
    ShopStates.bind(other, new Shop()).incrementItems(1);
    live.open(ctx).watch("items", watched::onItemsChange, () -> "items");
    RecordingEmitter emitter = emitters.get(0);
    now.addAndGet(Duration.ofMinutes(9).toMillis());
    int beats = emitter.comments();
    await().atMost(Duration.ofSeconds(10))
        .until(() -> emitter.comments() > beats + 1); // a heartbeat after the clock moved: a touch at minute 9
    now.addAndGet(Duration.ofMinutes(2).toMillis()); // 11 minutes after both binds
    assertThat(store.expireIdleClients()).isEqualTo(1);
    assertThat(store.hasState(StateId.of(ctx.resolveScope("$client"), "items"))).isTrue();
    assertThat(store.hasState(StateId.of(other.resolveScope("$client"), "items"))).isFalse();
  }

  @Test
  void aWatchedStateDeletedWhileTheStreamIsOpenIsRenderedAndFollowedAgain() {
    StateContext ctx = StateContext.of(store).withClient("c1");
    ShopStates shop = ShopStates.bind(ctx, new Shop());
    shop.incrementItems(4);
    live.open(ctx).watch("items", shop::onItemsChange, () -> "items " + shop.getItems());
    RecordingEmitter emitter = emitters.get(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> emitter.sent.contains("event:items|data:items 4"));
    store.endClient("c1");
    await().atMost(Duration.ofSeconds(10)).until(() -> emitter.sent.contains("event:items|data:items 0"));
    shop.incrementItems(7);
    await().atMost(Duration.ofSeconds(10)).until(() -> emitter.sent.contains("event:items|data:items 7"));
  }

  @Test
  void aRenderThatThrowsSkipsThatEventAndTheStreamGoesOn() {
    StateContext ctx = StateContext.of(store).withClient("c1");
    ShopStates shop = ShopStates.bind(ctx, new Shop());
    live.open(ctx).watch("items", shop::onItemsChange, () -> {
      if (shop.getItems() == 1) {
        throw new IllegalStateException("a broken template");
      }
      return "items " + shop.getItems();
    });
    RecordingEmitter emitter = emitters.get(0);
    shop.incrementItems(1);
    shop.incrementItems(1);
    await().atMost(Duration.ofSeconds(10)).until(() -> emitter.sent.contains("event:items|data:items 2"));
    assertThat(emitter.sent).doesNotContain("event:items|data:items 1");
  }

  @Test
  void aSharedWatchRendersOncePerChangeForEveryStream() {
    AtomicLong renders = new AtomicLong();
    ShopStates writer = ShopStates.bind(StateContext.of(store).withClient("writer"), new Shop());
    for (int i = 0; i < 100; i++) {
      StateContext ctx = StateContext.of(store).withClient("c" + i);
      ShopStates shop = ShopStates.bind(ctx, new Shop());
      live.open(ctx).watchShared("visits", shop.visitsState(), () -> {
        renders.incrementAndGet();
        return "visits " + shop.getVisits();
      });
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> emitters.stream().allMatch(e -> e.sent.contains("event:visits|data:visits 0")));
    for (int v = 1; v <= 10; v++) {
      writer.incrementVisits(1);
      String expected = "event:visits|data:visits " + v;
      await().atMost(Duration.ofSeconds(10))
          .until(() -> emitters.stream().allMatch(e -> e.sent.contains(expected)));
    }
    assertThat(renders.get()).isLessThanOrEqualTo(11); // the first render, then one per change
    assertThat(live.subscriptions()).isEqualTo(1);
    for (RecordingEmitter emitter : emitters) {
      assertThat(emitter.sent).hasSize(11).doesNotHaveDuplicates();
    }
  }

  @Test
  void watchesOfOneStateShareOneSubscriptionUntilTheLastStreamLeaves() {
    StateContext ctx = StateContext.of(store).withClient("c1");
    ShopStates shop = ShopStates.bind(ctx, new Shop());
    LiveStream tab1 = live.open(ctx).watch("items", shop.itemsState(), () -> "items " + shop.getItems());
    LiveStream tab2 = live.open(ctx).watch("items", shop.itemsState(), () -> "items " + shop.getItems())
        .watchScope("client", ctx.resolveScope("$client"), () -> "client");
    long storeSubscriptions = store.subscriptions();
    assertThat(live.subscriptions()).isEqualTo(2);
    tab1.close();
    assertThat(live.subscriptions()).isEqualTo(2);
    shop.incrementItems(3);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> emitters.get(1).sent.contains("event:items|data:items 3"));
    tab2.close();
    assertThat(live.subscriptions()).isZero();
    assertThat(store.subscriptions()).isEqualTo(storeSubscriptions - 2);
  }

  @Test
  void anEventNameMustBeOneLine() {
    StateContext ctx = StateContext.of(store).withClient("c1");
    ShopStates shop = ShopStates.bind(ctx, new Shop());
    LiveStream stream = live.open(ctx);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> stream.watch("items\ndata:forged", shop.itemsState(), () -> "x"));
    assertThat(e).hasMessageContaining("'items\\ndata:forged'");
    assertThrows(IllegalArgumentException.class, () -> stream.watchShared("", shop.visitsState(), () -> "x"));
  }

  @Test
  void aStreamNeedsAClient() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> live.open(StateContext.of(store)));
    assertThat(e).hasMessageContaining("needs a StateContext with a client");
  }

  private static Subscription keep(List<Subscription> subscriptions, Subscription subscription) {
    subscriptions.add(subscription);
    return subscription;
  }

  /** An emitter that records each event as {@code event:name|data:text}, and can block or fail. */
  private static final class RecordingEmitter extends LiveEmitter {
    final List<String> sent = new CopyOnWriteArrayList<>();
    final List<String> comments = new CopyOnWriteArrayList<>();
    final CountDownLatch blocked = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean blockNext;
    private volatile boolean disconnected;

    void blockNextSend() {
      blockNext = true;
    }

    void unblock() {
      release.countDown();
    }

    void disconnect() {
      disconnected = true;
    }

    int comments() {
      return comments.size();
    }

    @Override
    boolean started() {
      return true;
    }

    @Override
    boolean sendFrame(byte[] bytes) throws IOException {
      record(new String(bytes, StandardCharsets.UTF_8));
      return true;
    }

    @Override
    boolean sendEvent(SseEventBuilder builder) throws IOException {
      StringBuilder text = new StringBuilder();
      for (ResponseBodyEmitter.DataWithMediaType part : builder.build()) {
        text.append(part.getData());
      }
      record(text.toString());
      return true;
    }

    private void record(String text) throws IOException {
      if (disconnected) {
        throw new IOException("Broken pipe");
      }
      if (blockNext && !text.startsWith(":")) {
        blockNext = false;
        blocked.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      String frame = text.trim();
      if (frame.startsWith(":")) {
        comments.add(frame);
      } else {
        sent.add(frame.replace("\n", "|"));
      }
    }
  }

  /** A clock the test moves. */
  private static final class MovableClock extends Clock {
    private final AtomicLong millis;

    MovableClock(AtomicLong millis) {
      this.millis = millis;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  /** Grace times that end when the test says so. */
  private static final class ManualGrace implements LiveUpdates.GraceTimer {
    private final List<FutureTask<Void>> tasks = new CopyOnWriteArrayList<>();
    private final Map<FutureTask<Void>, Duration> delays = new ConcurrentHashMap<>();

    @Override
    public Future<?> schedule(Runnable end, Duration after) {
      FutureTask<Void> task = new FutureTask<>(end, null);
      delays.put(task, after);
      tasks.add(task);
      return task;
    }

    /** The grace times started and neither cancelled nor over. */
    List<Duration> pending() {
      return tasks.stream().filter(task -> !task.isDone()).map(delays::get).toList();
    }

    /** Ends every pending grace time. */
    void elapse() {
      tasks.forEach(FutureTask::run);
    }
  }
}
