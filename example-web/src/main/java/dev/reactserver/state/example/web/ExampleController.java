package dev.reactserver.state.example.web;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.spring.LiveStream;
import dev.reactserver.state.spring.LiveUpdates;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The page, its live stream and its actions. Every handler takes the request's {@link StateContext}
 * (its client and user) from the starter and binds the components through their generated accessors.
 */
@RestController
class ExampleController {

  /** The two instances of the {@link Note} component on the page. */
  static final List<String> NOTES = List.of("left", "right");
  private static final int MAX_WISHES = 20;

  private final LiveUpdates live;

  ExampleController(LiveUpdates live) {
    this.live = live;
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
  String page(StateContext ctx, HttpServletRequest request) {
    Components c = Components.bind(ctx);
    CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
    Views views = Views.withToken(token.getParameterName(), token.getToken());
    return Page.html(token.getHeaderName(), token.getToken(), views.account(ctx.userId().orElse(null)), views.stock(c.stock()), views.cart(c.cart()),
        c.wishlist() == null ? views.signedOutWishlist() : views.wishlist(c.wishlist()),
        views.note("left", c.left()), views.note("right", c.right()), views.theme(c.theme()));
  }

  @GetMapping(path = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter live(StateContext ctx) {
    Components c = Components.bind(ctx);
    Views views = Views.live();
    // The stock and the notes look the same to everybody: rendered once per change for all streams.
    LiveStream stream = live.open(ctx)
        .watchShared("stock", c.stock().teapotsState(), () -> views.stock(c.stock()))
        .watch("cart", c.cart().itemsState(), () -> views.cart(c.cart()))
        .watchShared("note-left", c.left().textState(), () -> views.note("left", c.left()))
        .watchShared("note-right", c.right().textState(), () -> views.note("right", c.right()))
        .watch("theme", c.theme().darkState(), () -> views.theme(c.theme()));
    if (c.wishlist() != null) {
      stream.watch("wishlist", c.wishlist().wishesState(), () -> views.wishlist(c.wishlist()));
    }
    return stream.emitter();
  }

  @PostMapping("/stock/buy")
  ResponseEntity<Void> buy(StateContext ctx, @RequestHeader(value = "X-Requested-With", required = false) String by) {
    StockStates.bind(ctx, new Stock()).updateTeapots(n -> Math.max(0, n - 1));
    return done(by);
  }

  @PostMapping("/stock/restock")
  ResponseEntity<Void> restock(StateContext ctx,
      @RequestHeader(value = "X-Requested-With", required = false) String by) {
    StockStates.bind(ctx, new Stock()).incrementTeapots(10);
    return done(by);
  }

  @PostMapping("/cart/add")
  ResponseEntity<Void> addToCart(StateContext ctx,
      @RequestHeader(value = "X-Requested-With", required = false) String by) {
    CartStates.bind(ctx, new Cart()).incrementItems(1);
    return done(by);
  }

  @PostMapping("/cart/remove")
  ResponseEntity<Void> removeFromCart(StateContext ctx,
      @RequestHeader(value = "X-Requested-With", required = false) String by) {
    CartStates.bind(ctx, new Cart()).updateItems(n -> Math.max(0, n - 1));
    return done(by);
  }

  @PostMapping("/wishlist")
  ResponseEntity<Void> wish(StateContext ctx, @RequestParam("wish") String wish,
      @RequestHeader(value = "X-Requested-With", required = false) String by) {
    String text = wish.strip();
    if (!text.isEmpty() && text.length() <= 100) {
      WishlistStates.bind(ctx, new Wishlist()).updateWishes(wishes -> {
        List<String> next = new ArrayList<>(wishes);
        next.add(text);
        return List.copyOf(next.subList(Math.max(0, next.size() - MAX_WISHES), next.size()));
      });
    }
    return done(by);
  }

  @PostMapping("/wishlist/clear")
  ResponseEntity<Void> clearWishes(StateContext ctx,
      @RequestHeader(value = "X-Requested-With", required = false) String by) {
    WishlistStates.bind(ctx, new Wishlist()).setWishes(List.of());
    return done(by);
  }

  @PostMapping("/notes/{instance}")
  ResponseEntity<Void> note(StateContext ctx, @PathVariable("instance") String instance,
      @RequestParam("text") String text, @RequestHeader(value = "X-Requested-With", required = false) String by) {
    if (!NOTES.contains(instance)) {
      return ResponseEntity.notFound().build();
    }
    String note = text.strip();
    Components.bind(ctx).note(instance).setText(note.length() > 200 ? note.substring(0, 200) : note);
    return done(by);
  }

  @PostMapping("/theme")
  ResponseEntity<Void> theme(StateContext ctx, @RequestHeader(value = "X-Requested-With", required = false) String by) {
    ThemeStates.bind(ctx, new Theme()).updateDark(dark -> !dark);
    return done(by);
  }

  // The page's script posts with fetch and needs no page; a form posted without script gets the page again.
  private static ResponseEntity<Void> done(String requestedWith) {
    if ("fetch".equals(requestedWith)) {
      return ResponseEntity.noContent().build();
    }
    return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create("/")).build();
  }
}
