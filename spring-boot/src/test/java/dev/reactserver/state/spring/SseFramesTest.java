package dev.reactserver.state.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bytes of an event: one data line per line of the render, whatever ends its lines. */
class SseFramesTest {

  @Test
  void everyLineOfTheDataIsADataLineSoTheRenderCannotEndTheEventOrForgeAField() {
    assertThat(frame("items", "<b>items</b>\n0")).isEqualTo("event:items\ndata:<b>items</b>\ndata:0\n\n");
    assertThat(frame("x", "a\r\nb\rc\n\nevent:forged")).isEqualTo(
        "event:x\ndata:a\ndata:b\ndata:c\ndata:\ndata:event:forged\n\n");
    assertThat(frame("x", "")).isEqualTo("event:x\ndata:\n\n");
    assertThat(frame("x", "end\n")).isEqualTo("event:x\ndata:end\ndata:\n\n");
  }

  @Test
  void textIsUtf8() {
    assertThat(SseFrames.event("note", "thé ☕")).isEqualTo("event:note\ndata:thé ☕\n\n"
        .getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anEventNameIsOneNonEmptyLine() {
    assertThat(SseFrames.isEventName("stock")).isTrue();
    assertThat(SseFrames.isEventName("")).isFalse();
    assertThat(SseFrames.isEventName("a\nb")).isFalse();
    assertThat(SseFrames.isEventName("a\rb")).isFalse();
  }

  private static String frame(String event, String data) {
    return new String(SseFrames.event(event, data), StandardCharsets.UTF_8);
  }
}
