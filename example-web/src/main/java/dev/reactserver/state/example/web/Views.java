package dev.reactserver.state.example.web;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

import java.util.List;

/**
 * Renders the components as HTML fragments: the page is made of them, and the live stream sends the
 * same fragment again whenever a state it shows changes. Each fragment's root has the id that names its
 * live event. Every action is a plain form post: in the page, with the request's CSRF token, so that
 * it works without script; in live events, without it, so that a fragment is the same for every
 * browser and is rendered once for all of them (the page's script sends the token from its
 * {@code <meta>} tag instead).
 */
final class Views {

  private static final Views LIVE = new Views("");

  private final String csrfField;

  private Views(String csrfField) {
    this.csrfField = csrfField;
  }

  /** Views whose forms carry the CSRF token {@code csrfName=csrfValue}: the page's. */
  static Views withToken(String csrfName, String csrfValue) {
    return new Views("<input type=\"hidden\" name=\"" + htmlEscape(csrfName) + "\" value=\""
        + htmlEscape(csrfValue) + "\">");
  }

  /** Views for live events: the same HTML for every browser. */
  static Views live() {
    return LIVE;
  }

  String stock(StockStates stock) {
    return "<section id=\"stock\" data-live>"
        + "<h2>Teapots in stock <small>(global: everybody)</small></h2>"
        + "<p class=\"big\"><span id=\"stock-count\">" + stock.getTeapots() + "</span> left</p>"
        + form("/stock/buy", "<button id=\"stock-buy\">Buy one</button>")
        + form("/stock/restock", "<button id=\"stock-restock\">Restock 10</button>")
        + "</section>";
  }

  String cart(CartStates cart) {
    return "<section id=\"cart\" data-live>"
        + "<h2>Your cart <small>($client: this browser)</small></h2>"
        + "<p class=\"big\"><span id=\"cart-count\">" + cart.getItems() + "</span> "
        + (cart.getItems() == 1 ? "item" : "items") + "</p>"
        + form("/cart/add", "<button id=\"cart-add\">Add an item</button>")
        + form("/cart/remove", "<button id=\"cart-remove\">Remove one</button>")
        + "</section>";
  }

  String wishlist(WishlistStates wishlist) {
    List<String> wishes = wishlist.getWishes();
    StringBuilder items = new StringBuilder();
    for (String wish : wishes) {
      items.append("<li>").append(htmlEscape(wish)).append("</li>");
    }
    return "<section id=\"wishlist\" data-live>"
        + "<h2>Your wish list <small>($user: every browser you sign in on)</small></h2>"
        + "<ul id=\"wishlist-items\">" + items + "</ul>"
        + form("/wishlist", "<input id=\"wishlist-input\" name=\"wish\" required maxlength=\"100\""
            + " placeholder=\"a wish\"> <button id=\"wishlist-add\">Wish</button>")
        + form("/wishlist/clear", "<button id=\"wishlist-clear\">Clear</button>")
        + "</section>";
  }

  String signedOutWishlist() {
    return "<section id=\"wishlist-signed-out\"><h2>Wish list</h2>"
        + "<p><a href=\"/login\">Sign in</a> to keep a wish list (users <b>ada</b> and <b>bob</b>, the password is"
        + " the name).</p></section>";
  }

  String note(String instance, NoteStates note) {
    return "<section id=\"note-" + instance + "\" data-live>"
        + "<h2>Note " + instance + " <small>($component: this instance, for everybody)</small></h2>"
        + "<p class=\"note\" id=\"note-" + instance + "-text\">" + htmlEscape(note.getText()) + "</p>"
        + form("/notes/" + instance, "<input id=\"note-" + instance + "-input\" name=\"text\" maxlength=\"200\""
            + " placeholder=\"write a note\"> <button id=\"note-" + instance + "-save\">Save</button>")
        + "</section>";
  }

  String theme(ThemeStates theme) {
    boolean dark = theme.isDark();
    return "<section id=\"theme\" data-live data-dark=\"" + dark + "\">"
        + "<h2>Theme <small>(ui.$client: this browser)</small></h2>"
        + form("/theme", "<button id=\"theme-toggle\">" + (dark ? "Light" : "Dark") + "</button>")
        + "</section>";
  }

  String account(String user) {
    if (user == null) {
      return "<header id=\"account\">Visiting anonymously · <a id=\"sign-in\" href=\"/login\">Sign in</a></header>";
    }
    return "<header id=\"account\">Signed in as <b id=\"user\">" + htmlEscape(user) + "</b> · "
        + "<form method=\"post\" action=\"/logout\" class=\"inline\">" + csrfField
        + "<button id=\"sign-out\">Sign out</button></form></header>";
  }

  private String form(String action, String content) {
    return "<form method=\"post\" action=\"" + action + "\" data-action>" + csrfField + content + "</form>";
  }
}
