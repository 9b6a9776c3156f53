package com.example.shop;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.spring.LiveUpdates;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** The README's controller, as written there. */
@RestController
class CartController {
  private final LiveUpdates live;

  CartController(LiveUpdates live) {
    this.live = live;
  }

  @PostMapping("/cart/items")
  int add(StateContext ctx) {
    return CartStates.bind(ctx.forComponent("cart#1"), new Cart()).incrementItems(1);
  }

  @PostMapping("/cart/visits")
  long visit(StateContext ctx) {
    return CartStates.bind(ctx.forComponent("cart#1"), new Cart()).incrementVisits(1);
  }

  @GetMapping("/cart/wishlist")
  List<String> wishlist(StateContext ctx) {
    if (ctx.userId().isEmpty()) {
      return List.of();
    }
    return CartStates.bind(ctx, new Cart()).getWishlist();
  }

  @GetMapping(path = "/cart/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  SseEmitter live(StateContext ctx) {
    CartStates cart = CartStates.bind(ctx.forComponent("cart#1"), new Cart());
    return live.open(ctx)
        .watch("items", cart.itemsState(), () -> "<span>" + cart.getItems() + "</span>")     // this client's
        .watchShared("visits", cart.visitsState(), () -> "<span>" + cart.getVisits() + "</span>")  // the same for all
        .emitter();
  }
}
