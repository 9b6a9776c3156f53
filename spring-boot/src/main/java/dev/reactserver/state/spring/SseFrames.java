package dev.reactserver.state.spring;

import java.nio.charset.StandardCharsets;

/** Encodes Server-Sent Events as the bytes that go on the wire, in the layout Spring's {@code SseEmitter} writes. */
final class SseFrames {

  static final byte[] OPENING = comment("open");
  static final byte[] HEARTBEAT = comment("heartbeat");

  private SseFrames() {}

  /**
   * {@code event:<name>} and one {@code data:} line per line of {@code data} (any of CR LF, LF and CR
   * ends a line, as the format defines), then the blank line that ends the event.
   */
  static byte[] event(String name, String data) {
    StringBuilder frame = new StringBuilder(name.length() + data.length() + 16);
    frame.append("event:").append(name).append('\n').append("data:");
    for (int i = 0; i < data.length(); i++) {
      char c = data.charAt(i);
      if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < data.length() && data.charAt(i + 1) == '\n') {
          i++;
        }
        frame.append("\ndata:");
      } else {
        frame.append(c);
      }
    }
    return frame.append("\n\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Whether {@code name} can be an event name: not empty, no line break. */
  static boolean isEventName(String name) {
    return !name.isEmpty() && name.indexOf('\n') < 0 && name.indexOf('\r') < 0;
  }

  private static byte[] comment(String text) {
    return (":" + text + "\n\n").getBytes(StandardCharsets.UTF_8);
  }
}
