package dev.reactserver.state.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Live updates through a real server (Tomcat on a free port) and raw HTTP: the browser's view of the
 * stream, a change written by another client, and a connection that closes.
 */
@SpringBootTest(classes = ShopApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"reactserver.state.live.heartbeat=100ms", "reactserver.state.live.end-client-after=300ms"})
class LiveHttpTest {

  @LocalServerPort int port;
  @Autowired LiveUpdates live;
  @Autowired Store store;
  @Autowired ClientIds ids;

  @Test
  void aBrowserHearsAnotherClientsChangeAndItsClientEndsAfterItLeaves() throws Exception {
    String cookie = ids.issue();
    String clientId = ids.idOf(cookie);
    try (Socket browser = new Socket("localhost", port)) {
      OutputStream out = browser.getOutputStream();
      out.write(("GET /live HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nCookie: reactserver-client="
          + cookie + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      StringBuilder received = new StringBuilder();
      InputStream in = browser.getInputStream();
      readUntil(in, received, "visits 0");
      assertThat(received.toString()).contains("HTTP/1.1 200").contains("text/event-stream")
          .contains("event:items\ndata:<b>items</b>\ndata:0\n\n"); // a multi-line render is one event

      HttpResponse<String> visit = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://localhost:" + port + "/visits")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(visit.body()).isEqualTo("1");
      readUntil(in, received, "event:visits\ndata:visits 1");
      readUntil(in, received, ":heartbeat");
      assertThat(live.openStreams()).isEqualTo(1);
      assertThat(live.subscriptions()).isEqualTo(2);
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> live.openStreams() == 0); // found by the next heartbeat
    assertThat(live.subscriptions()).isZero();
    StateId items = StateId.of(StateContext.of(store).withClient(clientId).resolveScope("$client"), "items");
    await().atMost(Duration.ofSeconds(10)).until(() -> !store.hasState(items)); // ended after the grace
    assertThat(live.clients()).isZero();
  }

  @Test
  void dataThatIsNotTextGoesThroughTheMessageConverters() throws Exception {
    String cookie = ids.issue();
    try (Socket browser = new Socket("localhost", port)) {
      OutputStream out = browser.getOutputStream();
      out.write(("GET /live/json HTTP/1.1\r\nHost: localhost\r\nCookie: reactserver-client=" + cookie + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      StringBuilder received = new StringBuilder();
      InputStream in = browser.getInputStream();
      readUntil(in, received, "event:items\ndata:{\"items\":0}\n\n");
      HttpResponse<String> added = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://localhost:" + port + "/items")).header("Cookie", "reactserver-client=" + cookie)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(added.body()).isEqualTo("1");
      readUntil(in, received, "event:items\ndata:{\"items\":1}\n\n");
      readUntil(in, received, ":heartbeat"); // frames and converter-written events on one response
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> live.openStreams() == 0); // the other tests count streams
  }

  @Test
  void stoppingTheApplicationEndsItsOpenStreamsAtOnce() throws Exception {
    ConfigurableApplicationContext app = new SpringApplicationBuilder(ShopApplication.class)
        .properties("server.port=0", "server.shutdown=graceful", "spring.lifecycle.timeout-per-shutdown-phase=60s",
            "reactserver.state.live.heartbeat=1h")
        .run();
    int appPort = ((WebServerApplicationContext) app).getWebServer().getPort();
    try (Socket browser = new Socket("localhost", appPort)) {
      browser.getOutputStream().write("GET /live HTTP/1.1\r\nHost: localhost\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      StringBuilder received = new StringBuilder();
      InputStream in = browser.getInputStream();
      readUntil(in, received, "visits 0");
      Thread stopping = new Thread(app::close);
      stopping.start();
      // The stream ends (the last chunk) while the graceful shutdown would still wait up to a minute.
      browser.setSoTimeout(20_000);
      readUntil(in, received, "\n0\n\n");
      stopping.join(20_000);
      assertThat(stopping.isAlive()).isFalse();
    } finally {
      app.close();
    }
  }

  private static void readUntil(InputStream in, StringBuilder received, String expected) throws IOException {
    byte[] buffer = new byte[4096];
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!received.toString().replace("\r\n", "\n").contains(expected)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no '" + expected + "' within 10 s; received: " + received);
      }
      int n = in.read(buffer);
      if (n < 0) {
        throw new AssertionError("the stream ended; received: " + received);
      }
      received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
    }
  }

}
