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
}
