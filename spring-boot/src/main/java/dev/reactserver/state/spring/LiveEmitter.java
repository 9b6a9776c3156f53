package dev.reactserver.state.spring;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The emitter of one {@link LiveStream}: Spring MVC's {@link SseEmitter}, so that a controller returns
 * it as usual, writing encoded frames straight to the response once Spring has committed it.
 *
 * <p>Why: a response must be committed on the request thread. Spring Security's header writer (and
 * other filters that wrap the response) write headers when the response commits, and again while the
 * request thread unwinds the filter chain; a first write from another thread races them and corrupts
 * the headers (spring-security#15510). The stream therefore sends its opening comment before the
 * controller returns: Spring buffers it and flushes it, committing the response, on the request thread
 * while it starts the stream. Every later frame goes to the committed response's output stream as
 * bytes encoded once ({@link SseFrames}), the same array for every stream that sends it; a frame sent
 * before that goes through Spring's buffer of early events.
 *
 * <p>All writes hold the emitter's write lock, which Spring's own sends and {@code complete()} hold too.
 */
class LiveEmitter extends SseEmitter {

  private static final MediaType TEXT_UTF8 = new MediaType("text", "plain", StandardCharsets.UTF_8);

  private HttpServletResponse response; // guarded by writeLock
  private boolean completed; // guarded by writeLock

  LiveEmitter() {
    super(0L); // no timeout: heartbeats find closed connections
  }

  @Override
  protected void extendResponse(ServerHttpResponse outputMessage) {
    super.extendResponse(outputMessage);
    writeLock.lock();
    try {
      if (outputMessage instanceof ServletServerHttpResponse servlet) {
        response = servlet.getServletResponse();
      }
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Sends one encoded frame and flushes it.
   *
   * @throws IOException if the connection is gone
   * @throws IllegalStateException if the emitter completed
   */
  void sendFrame(byte[] frame) throws IOException {
    writeLock.lock();
    try {
      if (completed) {
        throw new IllegalStateException("the live stream has completed");
      }
      if (response != null && response.isCommitted()) {
        ServletOutputStream out = response.getOutputStream();
        out.write(frame);
        out.flush();
      } else { // before Spring started the stream: buffered, then flushed on the request thread
        send(Set.of(new DataWithMediaType(new String(frame, StandardCharsets.UTF_8), TEXT_UTF8)));
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** Sends an event whose data Spring's message converters write (data that is not a {@code String}). */
  void sendEvent(SseEventBuilder event) throws IOException {
    send(event);
  }

  /** Whether the response has been committed: the stream's first bytes are on their way. */
  boolean started() {
    writeLock.lock();
    try {
      return response != null && response.isCommitted();
    } finally {
      writeLock.unlock();
    }
  }

  @Override
  public void complete() {
    writeLock.lock();
    try {
      completed = true;
      super.complete();
    } finally {
      writeLock.unlock();
    }
  }
}
