package dev.reactserver.state.example.web;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.spring.LiveStream;
import dev.reactserver.state.spring.LiveTemplates;
import dev.reactserver.state.spring.LiveUpdates;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The page ({@code templates/index.html}), its live stream and its actions. Every handler takes the
 * request's {@link StateContext} (its client and user) from the starter and binds the components
 * through their generated accessors; the page and the stream render the same fragments of
 * {@code templates/components.html}.
 */
@Controller
class ExampleController {

  /** The two instances of the {@link Note} component on the page. */
  static final List<String> NOTES = List.of("left", "right");
  private static final int MAX_WISHES = 20;
  /** The header htmx sends with its requests. */
  private static final String HTMX_REQUEST = "HX-Request";

  private final LiveUpdates live;
  private final LiveTemplates templates;

  ExampleController(LiveUpdates live, LiveTemplates templates) {
    this.live = live;
    this.templates = templates;
  }

  /** The components of one page, bound in one request's context. */
  private record Components(StockStates stock, CartStates cart, WishlistStates wishlist, NoteStates left,
      NoteStates right, ThemeStates theme) {

    static Components bind(StateContext ctx) {
      return new Components(StockStates.bind(ctx, new Stock()), CartStates.bind(ctx, new Cart()),
          ctx.userId().isPresent() ? WishlistStates.bind(ctx, new Wishlist()) : null,
          NoteStates.bind(ctx.forComponent("note-left"), new Note()),
          NoteStates.bind(ctx.forComponent("note-right"), new Note()), ThemeStates.bind(ctx, new Theme()));
    }

    NoteStates note(String instance) {
      return instance.equals("left") ? left : right;
    }
  }

  @GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
  String page(StateContext ctx, Model model) {
    Components c = Components.bind(ctx);
    model.addAttribute("user", ctx.userId().orElse(null))
        .addAttribute("stock", c.stock())
        .addAttribute("cart", c.cart())
        .addAttribute("wishlist", c.wishlist())
        .addAttribute("left", c.left())
        .addAttribute("right", c.right())
        .addAttribute("theme", c.theme());
    return "index";
  }

  @GetMapping(path = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  @ResponseBody
  SseEmitter live(StateContext ctx) {
    Components c = Components.bind(ctx);
    // The stock and the notes look the same to everybody: rendered once per change for all streams.
    LiveStream stream = live.open(ctx)
        .watchShared("stock", c.stock().teapotsState(), fragment("stock", Map.of("stock", c.stock())))
        .watch("cart", c.cart().itemsState(), fragment("cart", Map.of("cart", c.cart())))
        .watchShared("note-left", c.left().textState(),
            fragment("note", Map.of("instance", "left", "note", c.left())))
        .watchShared("note-right", c.right().textState(),
            fragment("note", Map.of("instance", "right", "note", c.right())))
        .watch("theme", c.theme().darkState(), fragment("theme", Map.of("theme", c.theme())));
    if (c.wishlist() != null) {
      stream.watch("wishlist", c.wishlist().wishesState(), fragment("wishlist", Map.of("wishlist", c.wishlist())));
    }
    return stream.emitter();
  }

  private Supplier<String> fragment(String name, Map<String, ?> model) {
    return templates.fragment("components :: " + name, model);
  }

  @PostMapping("/stock/buy")
  ResponseEntity<Void> buy(StateContext ctx, @RequestHeader(value = HTMX_REQUEST, required = false) String htmx) {
    StockStates.bind(ctx, new Stock()).updateTeapots(n -> Math.max(0, n - 1));
    return done(htmx);
  }

  @PostMapping("/stock/restock")
  ResponseEntity<Void> restock(StateContext ctx, @RequestHeader(value = HTMX_REQUEST, required = false) String htmx) {
    StockStates.bind(ctx, new Stock()).incrementTeapots(10);
    return done(htmx);
  }

  @PostMapping("/cart/add")
  ResponseEntity<Void> addToCart(StateContext ctx, @RequestHeader(value = HTMX_REQUEST, required = false) String htmx) {
    CartStates.bind(ctx, new Cart()).incrementItems(1);
    return done(htmx);
  }

  @PostMapping("/cart/remove")
  ResponseEntity<Void> removeFromCart(StateContext ctx,
      @RequestHeader(value = HTMX_REQUEST, required = false) String htmx) {
    CartStates.bind(ctx, new Cart()).updateItems(n -> Math.max(0, n - 1));
    return done(htmx);
  }

  @PostMapping("/wishlist")
  ResponseEntity<Void> wish(StateContext ctx, @RequestParam("wish") String wish,
      @RequestHeader(value = HTMX_REQUEST, required = false) String htmx) {
    String text = wish.strip();
    if (!text.isEmpty() && text.length() <= 100) {
      WishlistStates.bind(ctx, new Wishlist()).updateWishes(wishes -> {
        List<String> next = new ArrayList<>(wishes);
        next.add(text);
        return List.copyOf(next.subList(Math.max(0, next.size() - MAX_WISHES), next.size()));
      });
    }
    return done(htmx);
  }

  @PostMapping("/wishlist/clear")
  ResponseEntity<Void> clearWishes(StateContext ctx,
      @RequestHeader(value = HTMX_REQUEST, required = false) String htmx) {
    WishlistStates.bind(ctx, new Wishlist()).setWishes(List.of());
    return done(htmx);
  }

  @PostMapping("/notes/{instance}")
  ResponseEntity<Void> note(StateContext ctx, @PathVariable("instance") String instance,
      @RequestParam("text") String text, @RequestHeader(value = HTMX_REQUEST, required = false) String htmx) {
    if (!NOTES.contains(instance)) {
      return ResponseEntity.notFound().build();
    }
    String note = text.strip();
    Components.bind(ctx).note(instance).setText(note.length() > 200 ? note.substring(0, 200) : note);
    return done(htmx);
  }

  @PostMapping("/theme")
  ResponseEntity<Void> theme(StateContext ctx, @RequestHeader(value = HTMX_REQUEST, required = false) String htmx) {
    ThemeStates.bind(ctx, new Theme()).updateDark(dark -> !dark);
    return done(htmx);
  }

  // htmx posts in the background and needs no page (the change comes back on the live stream); a form
  // posted without JavaScript gets the page again.
  private static ResponseEntity<Void> done(String htmx) {
    if ("true".equals(htmx)) {
      return ResponseEntity.noContent().build();
    }
    return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/")).build();
  }
}
