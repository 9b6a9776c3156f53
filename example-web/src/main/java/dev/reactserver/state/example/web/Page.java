package dev.reactserver.state.example.web;

import static org.springframework.web.util.HtmlUtils.htmlEscape;

/** The page around the fragments: style, and the few lines of script that make it live. */
final class Page {

  private Page() {}

  /** The page; {@code csrfHeader} and {@code csrfToken} are what the script sends with each post. */
  static String html(String csrfHeader, String csrfToken, String account, String... sections) {
    return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        """ + "<meta name=\"csrf-header\" content=\"" + htmlEscape(csrfHeader) + "\">\n"
        + "<meta name=\"csrf-token\" content=\"" + htmlEscape(csrfToken) + "\">\n" + """
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>reactserver-state: live example</title>
        <style>
          body { font-family: system-ui, sans-serif; margin: 0; background: #f6f6f2; color: #222; }
          body:has(#theme[data-dark="true"]) { background: #1e2127; color: #e6e6e6; }
          header { padding: .8rem 1.5rem; background: #2d6a4f; color: #fff; }
          a { color: inherit; }
          main { display: grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap: 1rem;
                 padding: 1.5rem; }
          section { border: 1px solid #ccc8; border-radius: .6rem; padding: 1rem; background: #fff1; }
          h2 { margin: 0 0 .5rem; font-size: 1.05rem; } small { font-weight: normal; opacity: .7; }
          .big { font-size: 1.8rem; margin: .3rem 0; }
          .note { min-height: 1.4rem; font-style: italic; overflow-wrap: anywhere; }
          form { display: inline-block; margin: .2rem .3rem .2rem 0; } form.inline { margin: 0 }
          footer { padding: 0 1.5rem 1.5rem; opacity: .7; font-size: .9rem; }
        </style>
        </head>
        <body>
        """ + account + "\n<main>\n" + String.join("\n", sections) + """

        </main>
        <footer>Every box is a server-rendered component whose state lives on the server; changes reach every
        browser that shows them as Server-Sent Events. Stream: <span id="live-status">connecting</span>.</footer>
        <script>
          const live = new EventSource("/live");
          const status = text => { document.body.dataset.live = text;
                                   document.getElementById("live-status").textContent = text; };
          live.onopen = () => status("open");
          live.onerror = () => status("reconnecting");
          for (const element of document.querySelectorAll("[data-live]")) {
            live.addEventListener(element.id, event => {
              document.getElementById(element.id).outerHTML = event.data;
            });
          }
          document.addEventListener("submit", event => {
            const form = event.target;
            if (!form.hasAttribute("data-action")) return;
            event.preventDefault();
            const csrf = name => document.querySelector(`meta[name=${name}]`).content;
            fetch(form.action, { method: "POST", body: new FormData(form),
                                 headers: { "X-Requested-With": "fetch", [csrf("csrf-header")]: csrf("csrf-token") } })
              .then(() => form.querySelectorAll("input[name]:not([type=hidden])").forEach(i => i.value = ""));
          });
        </script>
        </body>
        </html>
        """;
  }
}
