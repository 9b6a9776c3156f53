package dev.reactserver.state.spring;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
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
 * it as usual, writing encoded frames to the response without blocking once Spring has committed it.
 *
 * <p>Committed on the request thread: Spring Security's header writer (and other filters that wrap the
 * response) write headers when the response commits, and again while the request thread unwinds the
 * filter chain; a first write from another thread races them and corrupts the headers
 * (spring-security#15510). The stream therefore sends its opening comment before the controller
 * returns: Spring buffers it and flushes it, committing the response, on the request thread while it
 * starts the stream.
 *
 * <p>Non-blocking: the first frame after that switches the response to the Servlet API's non-blocking
 * output. A frame goes out only while the connection can take it ({@link ServletOutputStream#isReady()});
 * otherwise {@link #sendFrame} answers {@code false} and {@code onWritable} runs once it can. So a
 * browser that reads slowly, or a connection that died silently, holds no thread: it only stays
 * behind, which {@link #stalledNanos()} tells.
 *
 * <p>All writes hold the emitter's write lock, which Spring's own sends and {@code complete()} hold too.
 */
class LiveEmitter extends SseEmitter {

  private static final MediaType TEXT_UTF8 = new MediaType("text", "plain", StandardCharsets.UTF_8);

  // Guarded by writeLock:
  private HttpServletResponse response;
  private ServletOutputStream out; // set once the response writes without blocking
  private boolean blocking; // the response has no non-blocking output: every write blocks
  private boolean completed;
  private long stalledSince; // 0: not stalled
  private volatile Runnable onWritable = () -> {};

  LiveEmitter() {
    super(0L); // no timeout: heartbeats find closed connections
  }

  /** What to run when a connection that could not take a frame can take one again. */
  void onWritable(Runnable callback) {
    onWritable = callback;
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
   * Sends one encoded frame, or answers {@code false} if the connection cannot take it now (then
   * {@code onWritable} runs once it can).
   *
   * @throws IOException if the connection is gone
   * @throws IllegalStateException if the emitter completed
   */
  boolean sendFrame(byte[] frame) throws IOException {
    writeLock.lock();
    try {
      if (completed) {
        throw new IllegalStateException("the live stream has completed");
      }
      if (response == null || !response.isCommitted()) { // before Spring started the stream: buffered
        send(Set.of(new DataWithMediaType(new String(frame, StandardCharsets.UTF_8), TEXT_UTF8)));
        return true;
      }
      if (!ready()) {
        return false;
      }
      out.write(frame);
      if (blocking || out.isReady()) {
        out.flush();
      }
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Sends an event whose data Spring's message converters write (data that is not a {@code String}),
   * or answers {@code false} as {@link #sendFrame} does.
   */
  boolean sendEvent(SseEventBuilder event) throws IOException {
    writeLock.lock();
    try {
      if (response != null && response.isCommitted() && !ready()) {
        return false;
      }
      send(event);
      return true;
    } finally {
      writeLock.unlock();
    }
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

  /** How long the connection has not been able to take a frame; 0 if it can. */
  long stalledNanos() {
    writeLock.lock();
    try {
      return stalledSince == 0 ? 0 : Math.max(1, System.nanoTime() - stalledSince);
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

  // Holds writeLock.
  private boolean ready() throws IOException {
    if (out == null) {
      out = response.getOutputStream();
      try {
        out.setWriteListener(new Writable());
      } catch (UnsupportedOperationException | IllegalStateException blockingOnly) {
        blocking = true; // a response without non-blocking output (MockMvc's): writes block, as Spring's do
      }
    }
    if (blocking || out.isReady()) {
      stalledSince = 0;
      return true;
    }
    if (stalledSince == 0) {
      stalledSince = System.nanoTime();
    }
    return false;
  }

  /** The container's word that the connection can take more, or that it broke. */
  private final class Writable implements WriteListener {
    @Override
    public void onWritePossible() {
      onWritable.run();
    }

    @Override
    public void onError(Throwable error) {
      onWritable.run(); // the next write fails and closes the stream (the emitter's error callback does too)
    }
  }
}
