package dev.reactserver.state.processor.generation;

/** Puts user text (keys, scopes) into Javadoc safely: it can neither end the comment nor start a tag. */
final class Javadocs {

  private Javadocs() {}

  /** {@code text} as HTML code, every character that Javadoc or javac could interpret escaped. */
  static String code(String text) {
    StringBuilder out = new StringBuilder("<code>");
    text.codePoints().forEach(c -> {
      switch (c) {
        // '\' could start a unicode escape that javac processes even in comments; "*/" ends the comment.
        case '&', '<', '>', '@', '*', '/', '\\', '{', '}' -> out.append("&#").append(c).append(';');
        default -> {
          if (Character.isISOControl(c)) {
            out.append("&#").append(c).append(';');
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.append("</code>").toString();
  }

  /**
   * {@code text} with every line longer than {@code width} broken at spaces; a line that starts a block
   * tag ({@code @throws}) continues indented by four spaces, as Javadoc is usually written.
   */
  static String wrap(String text, int width) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      String indent = line.startsWith("@") ? "    " : "";
      String rest = line;
      while (rest.length() > width) {
        int cut = rest.lastIndexOf(' ', width);
        if (cut <= indent.length()) {
          cut = rest.indexOf(' ', width); // one word longer than the line: break after it
          if (cut < 0) {
            break;
          }
        }
        out.append(rest, 0, cut).append('\n');
        rest = indent + rest.substring(cut + 1);
      }
      out.append(rest).append('\n');
    }
    out.setLength(out.length() - 1);
    return out.toString();
  }
}
