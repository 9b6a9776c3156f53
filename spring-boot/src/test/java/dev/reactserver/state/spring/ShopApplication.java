package dev.reactserver.state.spring;

import dev.reactserver.state.runtime.StateContext;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The application the web tests run: a controller on {@link Shop}, anonymous visitors allowed. */
@SpringBootApplication(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class ShopApplication {

  @Bean
  SecurityFilterChain security(HttpSecurity http) throws Exception {
    return http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
        .httpBasic(Customizer.withDefaults())
        .csrf(csrf -> csrf.disable())
        .build();
  }

  @RestController
  static class ShopController {
    private final RequestStateContexts contexts;
    private final LiveUpdates live;

    ShopController(RequestStateContexts contexts, LiveUpdates live) {
      this.contexts = contexts;
      this.live = live;
    }

    @GetMapping("/items")
    int items(StateContext ctx) {
      return ShopStates.bind(ctx, new Shop()).getItems();
    }

    @PostMapping("/items")
    int addItem(StateContext ctx) {
      return ShopStates.bind(ctx, new Shop()).incrementItems(1);
    }

    @GetMapping("/wishlist")
    String wishlist(StateContext ctx) {
      return ctx.userId().isEmpty() ? "anonymous" : String.join(",", ShopStates.bind(ctx, new Shop()).getWishlist());
    }

    @PostMapping("/wishlist")
    String wish(StateContext ctx, @RequestParam("item") String item) {
      List<String> wishlist = ShopStates.bind(ctx, new Shop()).updateWishlist(old -> {
        List<String> next = new ArrayList<>(old);
        next.add(item);
        return List.copyOf(next);
      });
      return String.join(",", wishlist);
    }

    @GetMapping("/context")
    String context(StateContext first, StateContext second, HttpServletRequest request) {
      return (first == second && first == contexts.contextOf(request)) + " " + first.userId().orElse("-");
    }

    @GetMapping(path = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter live(StateContext ctx) {
      ShopStates shop = ShopStates.bind(ctx, new Shop());
      return live.open(ctx)
          .watch("items", shop::onItemsChange, () -> "<b>items</b>\n" + shop.getItems())
          .watch("visits", shop::onVisitsChange, () -> "visits " + shop.getVisits())
          .emitter();
    }

    /** The same stream through the forms that share one subscription per state on the node. */
    @GetMapping(path = "/live/shared", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter liveShared(StateContext ctx) {
      ShopStates shop = ShopStates.bind(ctx, new Shop());
      return live.open(ctx)
          .watch("items", shop.itemsState(), () -> "<b>items</b>\n" + shop.getItems())
          .watchShared("visits", shop.visitsState(), () -> "visits " + shop.getVisits())
          .emitter();
    }

    /** Data that is not text: written by the application's message converters (JSON here). */
    @GetMapping(path = "/live/json", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter liveJson(StateContext ctx) {
      ShopStates shop = ShopStates.bind(ctx, new Shop());
      return live.open(ctx).watch("items", shop.itemsState(), () -> Map.of("items", shop.getItems())).emitter();
    }

    /** A shared event of 16 kB: a browser that stops reading fills its connection within a few changes. */
    @GetMapping(path = "/live/big", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter liveBig(StateContext ctx) {
      ShopStates shop = ShopStates.bind(ctx, new Shop());
      return live.open(ctx)
          .watchShared("visits", shop.visitsState(), () -> "x".repeat(16_000) + " visits " + shop.getVisits())
          .emitter();
    }

    @PostMapping("/visits")
    long visit(StateContext ctx) {
      return ShopStates.bind(ctx, new Shop()).incrementVisits(1);
    }
  }
}
