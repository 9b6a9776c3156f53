package dev.reactserver.state.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.Store;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The live path at the scale of a busy node, through a real server with Spring Security on: a
 * thousand streams opened at once, writes while they watch, and connections that go away.
 */
@SpringBootTest(classes = ShopApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"reactserver.state.live.heartbeat=1s", "reactserver.state.live.end-client-after=0",
        "server.tomcat.threads.max=50"})
class LiveScaleTest {

  private static final int STREAMS = 1000;

  @LocalServerPort int port;
  @Autowired LiveUpdates live;
  @Autowired Store store;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);

  @BeforeEach
  void recordLogs() {
    logged.start();
    root.addAppender(logged);
  }

  @AfterEach
  void stopRecording() {
    root.detachAppender(logged);
    await().atMost(Duration.ofSeconds(30)).until(() -> live.openStreams() == 0);
  }

  @Test
  void aThousandStreamsOpenedAtOnceAllStartWithNoErrorAndFewThreads() {
    Values values = new Values();
    try (SseClients browsers = new SseClients(new InetSocketAddress("localhost", port), "/live", STREAMS,
        values)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> values.streamsWith("visits") == STREAMS);
      assertThat(browsers.started()).isEqualTo(STREAMS);
      assertThat(browsers.ended()).isZero();
      assertThat(live.openStreams()).isEqualTo(STREAMS);
      visit(); // every stream renders and sends once more
      await().atMost(Duration.ofSeconds(60))
          .until(() -> values.streamsAt("visits", "visits " + visits()) == STREAMS);
      assertThat(liveThreads()).isLessThanOrEqualTo(LiveUpdates.defaultSenders());
    }
    assertThat(errors()).isEmpty();
  }

  @Test
  void aThousandStreamsOnOneStateShareOneSubscriptionAndGetEveryChangeInOrder() throws Exception {
    Values values = new Values();
    try (SseClients browsers = new SseClients(new InetSocketAddress("localhost", port), "/live/shared", STREAMS,
        values)) {
      await().atMost(Duration.ofSeconds(60))
          .until(() -> values.streamsWith("visits") == STREAMS && values.streamsWith("items") == STREAMS);
      // One subscription for the shared state, one for each client's own items.
      assertThat(live.subscriptions()).isEqualTo(STREAMS + 1);
      Thread writer = new Thread(() -> {
        for (int i = 0; i < 300; i++) {
          visit();
        }
      });
      writer.start();
      writer.join();
      String last = "visits " + visits();
      await().atMost(Duration.ofSeconds(60)).until(() -> values.streamsAt("visits", last) == STREAMS);
      assertThat(values.repeatedOrBackwards("visits")).isEmpty();
      assertThat(browsers.ended()).isZero();
    }
    assertThat(errors()).isEmpty();
  }

  @Test
  void versionsAreNeverSentTwiceNorBackwardsAndTheLastAlwaysArrives() throws Exception {
    Values values = new Values();
    try (SseClients browsers = new SseClients(new InetSocketAddress("localhost", port), "/live", 200, values)) {
      await().atMost(Duration.ofSeconds(60)).until(() -> values.streamsWith("visits") == 200);
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        Thread writer = new Thread(() -> {
          for (int i = 0; i < 500; i++) {
            visit();
          }
        });
        writer.start();
        writers.add(writer);
      }
      for (Thread writer : writers) {
        writer.join();
      }
      String last = "visits " + visits();
      await().atMost(Duration.ofSeconds(60)).until(() -> values.streamsAt("visits", last) == 200);
      assertThat(values.repeatedOrBackwards("visits")).isEmpty();
      assertThat(browsers.ended()).isZero();
    }
  }

  @Test
  void browsersThatStopReadingHoldNoThreadAndAreClosed() throws Exception {
    int stuck = LiveUpdates.defaultSenders() + 2; // more than the senders: blocking sends would stall all
    List<Socket> stopped = new ArrayList<>();
    Values values = new Values();
    try (SseClients browsers = new SseClients(new InetSocketAddress("localhost", port), "/live/big", 20, values)) {
      for (int i = 0; i < stuck; i++) {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(1024);
        socket.connect(new InetSocketAddress("localhost", port));
        socket.getOutputStream().write("GET /live/big HTTP/1.1\r\nHost: localhost\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        stopped.add(socket); // never read
      }
      await().atMost(Duration.ofSeconds(30))
          .until(() -> values.streamsWith("visits") == 20 && live.openStreams() == 20 + stuck);
      // Changes of 16 kB until the connections that are not read fill up (a few MB each) and their streams
      // have taken nothing for a heartbeat period: then they are closed.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (live.openStreams() > 20 && System.nanoTime() < deadline) {
        visit();
        Thread.sleep(2);
      }
      assertThat(live.openStreams()).isEqualTo(20);
      String last = "x".repeat(16_000) + " visits " + visits();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> values.streamsAt("visits", last) == 20); // the readers were not held up
      assertThat(values.repeatedOrBackwards("visits")).isEmpty();
      assertThat(browsers.ended()).isZero();
    } finally {
      for (Socket socket : stopped) {
        socket.close();
      }
    }
  }

  @Test
  void aClosedConnectionIsReleasedWithinTheHeartbeat() {
    Values values = new Values();
    try (SseClients browsers = new SseClients(new InetSocketAddress("localhost", port), "/live", 1, values)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> values.streamsWith("visits") == 1);
      int subscriptionsBefore = live.subscriptions();
      browsers.disconnect(0);
      long closedAt = System.nanoTime();
      await().atMost(Duration.ofSeconds(30)).until(() -> live.openStreams() == 0);
      long released = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
      // Without a change to send: found by the heartbeat alone (1 s), with scheduling slack.
      assertThat(released).isLessThan(1_600);
      assertThat(live.subscriptions()).isEqualTo(subscriptionsBefore - 2);
    }
  }

  private void visit() {
    ShopStates.bind(StateContext.of(store), new Shop()).incrementVisits(1);
  }

  private long visits() {
    return ShopStates.bind(StateContext.of(store), new Shop()).getVisits();
  }

  private List<String> errors() {
    List<String> errors = new ArrayList<>();
    for (ILoggingEvent event : logged.list) {
      if (event.getLevel().isGreaterOrEqual(Level.ERROR)) {
        errors.add(event.getFormattedMessage());
      }
    }
    return errors;
  }

  private static long liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("reactserver-state-live-") && !t.getName().endsWith("timer")).count();
  }

  /** What each stream received, per event, in order. */
  private static final class Values implements SseClients.Listener {
    private final Map<String, Map<Integer, List<String>>> byEvent = new ConcurrentHashMap<>();

    @Override
    public void onEvent(int stream, String event, String data, long receivedNanos) {
      List<String> list = byEvent.computeIfAbsent(event, e -> new ConcurrentHashMap<>())
          .computeIfAbsent(stream, s -> new ArrayList<>());
      synchronized (list) {
        list.add(data);
      }
    }

    int streamsWith(String event) {
      return byEvent.getOrDefault(event, Map.of()).size();
    }

    int streamsAt(String event, String data) {
      int count = 0;
      for (List<String> list : byEvent.getOrDefault(event, Map.of()).values()) {
        synchronized (list) {
          count += !list.isEmpty() && list.get(list.size() - 1).equals(data) ? 1 : 0;
        }
      }
      return count;
    }

    /** Streams that got a number twice in a row or a smaller one after a larger one. */
    List<String> repeatedOrBackwards(String event) {
      List<String> bad = new ArrayList<>();
      byEvent.getOrDefault(event, Map.of()).forEach((stream, list) -> {
        synchronized (list) {
          long previous = -1;
          for (String data : list) {
            long n = Long.parseLong(data.substring(data.lastIndexOf(' ') + 1));
            if (n <= previous) {
              bad.add("stream " + stream + ": " + previous + " then " + n);
              return;
            }
            previous = n;
          }
        }
      });
      return bad;
    }
  }
}
