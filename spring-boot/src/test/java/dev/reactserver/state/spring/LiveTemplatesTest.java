package dev.reactserver.state.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.reactserver.state.runtime.StateContext;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.thymeleaf.exceptions.TemplateInputException;

/**
 * One Thymeleaf template for the page and for its live updates, through a real server with Spring
 * Security's CSRF protection on and a context path: the stream renders the page's fragments, and a
 * shared state's fragment is the same bytes for every client.
 */
@SpringBootTest(classes = LiveTemplatesTest.PageApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"server.servlet.context-path=/shop", "reactserver.state.live.heartbeat=200ms"})
class LiveTemplatesTest {

  private static final Pattern SECTION = Pattern.compile("<section id=\"(\\w+)\".*?</section>", Pattern.DOTALL);

  @LocalServerPort int port;
  @Autowired LiveTemplates templates;
  @Autowired LiveUpdates live;

  @AfterEach
  void streamsClosed() {
    await().atMost(Duration.ofSeconds(10)).until(() -> live.openStreams() == 0);
  }

  @Test
  void aSharedStatesFragmentIsTheSameBytesInThePageAndInTheStreamOfEveryClient() throws Exception {
    Client a = new Client();
    Client b = new Client();
    Map<String, String> pageA = sections(a.get("/"));
    Map<String, String> pageB = sections(b.get("/"));
    try (Events streamA = a.events(); Events streamB = b.events()) {
      String visitsA = streamA.next("visits");
      assertThat(visitsA).isEqualTo(streamB.next("visits")).isEqualTo(pageA.get("visits"))
          .isEqualTo(pageB.get("visits"))
          .contains("0 &lt;visits&gt;") // escaped by Thymeleaf
          .contains("href=\"/shop/visits\""); // a context-relative link, outside any request

      a.post("/visits");
      assertThat(streamA.next("visits")).contains("1 &lt;visits&gt;").isEqualTo(streamB.next("visits"));
    }
  }

  @Test
  void aFormInTheStreamCarriesNoCsrfTokenWhileThePagesFormDoes() throws Exception {
    Client a = new Client();
    Map<String, String> page = sections(a.get("/"));
    assertThat(page.get("items")).contains("name=\"_csrf\"").contains("action=\"/shop/items\"");
    try (Events stream = a.events()) {
      String items = stream.next("items");
      assertThat(items).doesNotContain("_csrf").contains("action=\"/shop/items\"")
          .isEqualTo(page.get("items").replaceAll("<input type=\"hidden\" name=\"_csrf\" value=\"[^\"]*\"/>", ""));
      a.post("/items");
      assertThat(stream.next("items")).contains("<p id=\"items-count\">1</p>");
    }
  }

  @Test
  void aLiveRenderSeesTheApplicationsBeansAndTheLocaleOfTheThreadThatMadeIt() {
    LocaleContextHolder.setLocale(Locale.CANADA_FRENCH);
    Supplier<String> fragment;
    try {
      fragment = templates.fragment("shop :: surroundings", Map.of());
    } finally {
      LocaleContextHolder.resetLocaleContext();
    }
    assertThat(fragment.get()).isEqualTo("<p>Teapots &amp; Co in fr_CA</p>");
  }

  @Test
  void aFragmentThatRendersNothingOrIsMalformedIsRefusedByName() {
    Map<String, Object> model = Map.of();
    assertThatThrownBy(() -> templates.render("shop :: nothing-like-this", model))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'shop :: nothing-like-this' rendered nothing")
        .hasMessageContaining("matches 'nothing-like-this'");
    assertThatThrownBy(() -> templates.render("~{shop :: empty}", model))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("th:if");
    assertThatThrownBy(() -> templates.render("no-such-template :: visits", model))
        .isInstanceOf(TemplateInputException.class).hasMessageContaining("no-such-template");
    for (String malformed : new String[] {"", " :: visits", "shop ::", "~{}"}) {
      assertThatThrownBy(() -> templates.fragment(malformed, model))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'template :: selector'").hasMessageContaining("'" + malformed + "'");
    }
  }

  /** A browser: its own cookies (so its own client and session), the page's CSRF token on posts. */
  private final class Client {
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

    String get(String path) throws Exception {
      HttpResponse<String> response = http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    }

    void post(String path) throws Exception {
      Matcher token = Pattern.compile("name=\"_csrf\" value=\"([^\"]*)\"").matcher(get("/"));
      assertThat(token.find()).isTrue();
      HttpResponse<String> response = http.send(request(path).header("Content-Type",
          "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("_csrf=" + token.group(1)))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(204);
    }

    Events events() throws IOException, InterruptedException {
      HttpResponse<Stream<String>> response = http.send(request("/live/page").header("Accept", "text/event-stream")
          .build(), HttpResponse.BodyHandlers.ofLines());
      assertThat(response.statusCode()).isEqualTo(200);
      return new Events(response.body());
    }

    private HttpRequest.Builder request(String path) {
      return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/shop" + path));
    }
  }

  private static Map<String, String> sections(String html) {
    Map<String, String> sections = new HashMap<>();
    Matcher section = SECTION.matcher(html);
    while (section.find()) {
      sections.put(section.group(1), section.group());
    }
    return sections;
  }

  /** A stream's events as they arrive: (event, data) with the data lines joined as EventSource does. */
  private static final class Events implements AutoCloseable {
    private final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
    private final Stream<String> lines;

    Events(Stream<String> lines) {
      this.lines = lines;
      Thread reader = new Thread(this::read, "sse-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      String[] event = {null, null};
      try {
        lines.forEach(line -> {
          if (line.startsWith("event:")) {
            event[0] = line.substring(6);
          } else if (line.startsWith("data:")) {
            event[1] = event[1] == null ? line.substring(5) : event[1] + "\n" + line.substring(5);
          } else if (line.isEmpty() && event[0] != null) {
            events.add(new String[] {event[0], event[1]});
            event[0] = null;
            event[1] = null;
          }
        });
      } catch (RuntimeException closed) {
        // the test closed the stream
      }
    }

    /** The data of the next event named {@code name} (other events are skipped). */
    String next(String name) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (true) {
        String[] event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (event == null) {
          throw new AssertionError("no '" + name + "' event within 10 s");
        }
        if (event[0].equals(name)) {
          return event[1];
        }
      }
    }

    @Override
    public void close() {
      lines.close();
    }
  }

  /** The page and its stream, both from templates/shop.html. */
  @SpringBootConfiguration
  @EnableAutoConfiguration(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
  @Import(PageController.class)
  static class PageApplication {
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
      return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll()).build(); // CSRF on
    }

    @Bean
    String shopName() {
      return "Teapots & Co";
    }
  }

  @Controller
  static class PageController {
    private final LiveUpdates live;
    private final LiveTemplates templates;

    PageController(LiveUpdates live, LiveTemplates templates) {
      this.live = live;
      this.templates = templates;
    }

    @GetMapping("/")
    String page(StateContext ctx, Model model) {
      model.addAttribute("shop", ShopStates.bind(ctx, new Shop()));
      return "shop";
    }

    @GetMapping(path = "/live/page", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    @ResponseBody
    SseEmitter stream(StateContext ctx) {
      ShopStates shop = ShopStates.bind(ctx, new Shop());
      Map<String, Object> model = Map.of("shop", shop);
      return live.open(ctx)
          .watchShared("visits", shop.visitsState(), templates.fragment("shop :: visits", model))
          .watch("items", shop.itemsState(), templates.fragment("shop :: items", model))
          .emitter();
    }

    @PostMapping("/visits")
    @ResponseBody
    ResponseEntity<Void> visit(StateContext ctx) {
      ShopStates.bind(ctx, new Shop()).incrementVisits(1);
      return ResponseEntity.noContent().build();
    }

    @PostMapping("/items")
    @ResponseBody
    ResponseEntity<Void> addItem(StateContext ctx) {
      ShopStates.bind(ctx, new Shop()).incrementItems(1);
      return ResponseEntity.noContent().build();
    }
  }
}
