package dev.reactserver.state.example.web;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.ScopeKind;
import dev.reactserver.state.spring.LiveUpdates;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import redis.embedded.RedisServer;

/**
 * The example as people use it: real headless Chromium browsers, each its own client, on a fresh
 * application on a free port per scenario. Screenshots of the first scenario are written under
 * {@code target/screenshots}.
 */
class LiveBrowserTest {

  private static final Path SCREENSHOTS = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));

  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeAll
  static void chromium() {
    Browser.requireChromium();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void twoBrowsersSeeTheSharedStockLiveAndEachKeepsItsOwnCart() {
    String base = start();
    Browser a = browser(base).open("/");
    Browser b = browser(base).open("/");
    a.waitForText("stock-count", "100");
    b.waitForText("stock-count", "100");

    a.click("stock-buy");
    a.waitForText("stock-count", "99");
    b.waitForText("stock-count", "99"); // without a reload
    b.click("stock-buy");
    a.waitForText("stock-count", "98");

    a.click("cart-add");
    a.click("cart-add");
    a.waitForText("cart-count", "2");
    b.click("cart-add");
    b.waitForText("cart-count", "1");
    a.waitForText("cart-count", "2");
    b.click("theme-toggle"); // ui.$client: B's page only
    b.waitForText("theme-toggle", "Light");
    assertEquals("Dark", a.text("theme-toggle"));
    a.waitForText("stock-count", "98");

    a.screenshot(SCREENSHOTS.resolve("scenario-1-browser-a.png"));
    b.screenshot(SCREENSHOTS.resolve("scenario-1-browser-b.png"));
  }

  @Test
  void oneUserSignedInOnTwoBrowsersSeesTheWishlistLiveAndAnAnonymousBrowserHasNone() {
    String base = start();
    Browser laptop = browser(base).signIn("ada", "ada");
    Browser phone = browser(base).signIn("ada", "ada");
    Browser bob = browser(base).signIn("bob", "bob");
    Browser visitor = browser(base).open("/");

    laptop.type("wishlist-input", "a teapot");
    laptop.click("wishlist-add");
    laptop.waitForText("wishlist-items", "a teapot");
    phone.waitForText("wishlist-items", "a teapot"); // live, in Ada's other browser
    phone.type("wishlist-input", "green tea");
    phone.click("wishlist-add");
    laptop.waitForText("wishlist-items", "a teapot\ngreen tea");
    assertEquals("", bob.text("wishlist-items"));

    assertFalse(visitor.has("wishlist"));
    assertTrue(visitor.has("wishlist-signed-out"));
    assertTrue(visitor.has("sign-in"));
    visitor.click("cart-add"); // the rest of the page works for visitors
    visitor.waitForText("cart-count", "1");
    laptop.type("note-left-input", "gift wrap, please");
    laptop.click("note-left-save");
    phone.waitForText("note-left-text", "gift wrap, please");
    laptop.screenshot(SCREENSHOTS.resolve("scenario-2-signed-in.png"));
  }

  @Test
  void twoInstancesOfOneComponentKeepSeparateNotesSharedByBothBrowsers() {
    String base = start();
    Browser a = browser(base).open("/");
    Browser b = browser(base).open("/");
    a.type("note-left-input", "left, from A");
    a.click("note-left-save");
    a.waitForText("note-left-text", "left, from A");
    b.waitForText("note-left-text", "left, from A");
    assertEquals("", b.text("note-right-text"));

    b.type("note-right-input", "right, from B");
    b.click("note-right-save");
    a.waitForText("note-right-text", "right, from B");
    b.waitForText("note-right-text", "right, from B");
    assertEquals("left, from A", a.text("note-left-text"));
  }

  @Test
  void browsersThatCloseLeaveNoSubscriptionsAndTheirClientsEnd() {
    ConfigurableApplicationContext app = startApp("--reactserver.state.live.heartbeat=200ms",
        "--reactserver.state.live.end-client-after=500ms");
    String base = baseOf(app);
    InMemoryStore store = app.getBean(InMemoryStore.class);
    LiveUpdates live = app.getBean(LiveUpdates.class);
    long subscriptionsBefore = store.subscriptions();
    for (int i = 0; i < 20; i++) {
      await().atMost(Duration.ofSeconds(20))
          .until(() -> live.openStreams() == 0); // the last browser's stream, found closed by a heartbeat
      try (Browser browser = Browser.on(base).open("/")) {
        browser.click("cart-add");
        browser.waitForText("cart-count", "1");
        assertEquals(1, live.openStreams());
      }
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> live.openStreams() == 0 && live.subscriptions() == 0);
    await().atMost(Duration.ofSeconds(20)).until(() -> store.subscriptions() == subscriptionsBefore);
    await().atMost(Duration.ofSeconds(20))
        .until(() -> store.size(ScopeKind.CLIENT) == 0 && store.size(ScopeKind.COMPOSITE) == 0); // ended after the grace
    assertEquals(0, live.clients());
  }

  @Test
  void aClickInABrowserOnOneInstanceShowsLiveInABrowserOnAnotherInstanceOfOneRedis() throws Exception {
    String[] shared = redis("browsers");
    String first = start(shared);
    String second = start(shared);
    Browser a = browser(first).open("/");
    Browser b = browser(second).open("/");
    a.waitForText("stock-count", "100");
    b.waitForText("stock-count", "100");

    a.click("stock-buy");
    b.waitForText("stock-count", "99"); // written on instance A, heard by instance B through Redis
    b.click("stock-restock");
    a.waitForText("stock-count", "109");
    a.type("note-left-input", "across nodes");
    a.click("note-left-save");
    b.waitForText("note-left-text", "across nodes");
    a.click("cart-add");
    a.waitForText("cart-count", "1");
    assertEquals("0", b.text("cart-count"));
  }

  @Test
  void aServerRestartWhileTwoBrowsersAreOpenIsCaughtUpAndTheyGoOnWithoutAReload() throws Exception {
    String[] redis = redis("restart");
    int port = freePort();
    ConfigurableApplicationContext app = startApp(with(redis, "--server.port=" + port));
    String base = baseOf(app);
    Browser a = browser(base).open("/");
    Browser b = browser(base).open("/");
    a.click("stock-buy");
    b.waitForText("stock-count", "99");
    b.click("cart-add");
    b.waitForText("cart-count", "1");

    app.close(); // a deploy: both pages stay open, their streams cut
    awaitLive(a, "reconnecting");
    awaitLive(b, "reconnecting");
    // Meanwhile another node of the same Redis takes a change the two pages cannot hear.
    Browser elsewhere = browser(start(redis)).open("/");
    elsewhere.click("stock-restock");
    elsewhere.waitForText("stock-count", "109");

    startApp(with(redis, "--server.port=" + port)); // the new version, on the same address
    a.waitForText("stock-count", "109"); // caught up by the reconnected stream, no reload
    b.waitForText("stock-count", "109");
    a.waitUntilLive();
    b.waitUntilLive();
    a.click("stock-buy"); // posting still works: the client and CSRF cookies outlive the server
    a.waitForText("stock-count", "108");
    b.waitForText("stock-count", "108");
    b.click("cart-add");
    b.waitForText("cart-count", "2"); // B's own cart, kept in Redis across the restart
    assertEquals("0", a.text("cart-count"));
  }

  @Test
  void withoutJavaScriptThePageWorksByFormPostsAndOthersSeeItsChangesLive() {
    String base = start();
    Browser live = browser(base).open("/");
    Browser plain = browser(Browser.withoutJavaScript(base)).load("/");
    assertEquals(Boolean.TRUE, plain.script("return typeof htmx === 'undefined'"), "the page's scripts ran");
    assertEquals("100", plain.text("stock-count"));

    plain.click("stock-buy"); // a form post, answered 303, and the page again
    plain.waitForText("stock-count", "99");
    live.waitForText("stock-count", "99");
    plain.click("cart-add");
    plain.waitForText("cart-count", "1");
    assertEquals("0", live.text("cart-count"));
    plain.type("note-left-input", "posted without script");
    plain.click("note-left-save");
    plain.waitForText("note-left-text", "posted without script");
    live.waitForText("note-left-text", "posted without script");
    plain.click("theme-toggle");
    plain.waitForText("theme-toggle", "Light");

    plain.signIn("ada", "ada");
    plain.type("wishlist-input", "a kettle");
    plain.click("wishlist-add");
    plain.waitForText("wishlist-items", "a kettle");
  }

  @Test
  void aLongUnbrokenWordInANoteWrapsInsideItsBox() {
    String base = start();
    Browser a = browser(base).open("/");
    Browser b = browser(base).open("/");
    String word = "x".repeat(200);
    a.type("note-left-input", word);
    a.click("note-left-save");
    b.waitForText("note-left-text", word);
    for (Browser browser : List.of(a, b)) {
      assertEquals(Boolean.TRUE, browser.script("const page = document.documentElement;"
          + " return page.scrollWidth <= page.clientWidth;"), "the page scrolls sideways");
      assertEquals(Boolean.TRUE, browser.script("const note = document.getElementById('note-left');"
          + " return note.scrollWidth <= note.clientWidth;"), "the note overflows its box");
    }
  }

  @Test
  void onDynamoDbAClickOnOneInstanceShowsLiveOnAnotherThroughTheTablesStream() {
    ExampleServers dynamo = ExampleServers.forStore("dynamodb"); // dynoxide, as --store=dynamodb starts it
    resources.add(dynamo);
    List<String> args = new ArrayList<>();
    dynamo.properties().forEach((name, value) -> args.add("--" + name + "=" + value));
    args.add("--reactserver.state.dynamodb.table=browsers-" + UUID.randomUUID());
    String[] shared = args.toArray(String[]::new);
    Browser a = browser(start(shared)).open("/");
    Browser b = browser(start(shared)).open("/");
    a.click("stock-buy");
    b.waitForText("stock-count", "99");
    b.click("cart-add");
    b.waitForText("cart-count", "1");
    assertEquals("0", a.text("cart-count"));
  }

  /** A Redis for this test, as the arguments of an instance on it (under a prefix of its own). */
  private String[] redis(String prefix) throws IOException {
    int port = freePort();
    RedisServer redis = new RedisServer(port);
    redis.start();
    resources.add(redis::stop);
    return new String[] {"--reactserver.state.store=redis", "--reactserver.state.redis.uri=redis://localhost:" + port,
        "--reactserver.state.redis.prefix=" + prefix + "-" + UUID.randomUUID()};
  }

  private static String[] with(String[] args, String... more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private static void awaitLive(Browser browser, String state) {
    await().atMost(Duration.ofSeconds(20))
        .until(() -> state.equals(browser.script("return document.body.dataset.live")));
  }

  private String start(String... args) {
    return baseOf(startApp(args));
  }

  private ConfigurableApplicationContext startApp(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (all.stream().noneMatch(arg -> arg.startsWith("--server.port="))) {
      all.add("--server.port=0");
    }
    ConfigurableApplicationContext app = ExampleWebApplication.start(all.toArray(String[]::new));
    resources.add(app::close);
    return app;
  }

  private static String baseOf(ConfigurableApplicationContext app) {
    return "http://localhost:" + ((WebServerApplicationContext) app).getWebServer().getPort();
  }

  private Browser browser(String base) {
    return browser(Browser.on(base));
  }

  private Browser browser(Browser browser) {
    resources.add(browser);
    return browser;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
