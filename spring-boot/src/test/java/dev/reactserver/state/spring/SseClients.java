package dev.reactserver.state.spring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many Server-Sent-Events streams from one thread: each connection is a browser without a cookie (so
 * a client of its own), reading {@code GET path} over HTTP/1.1 with chunked encoding, as Tomcat sends
 * it. Events are handed to the {@link Listener} on the selector thread with the time they were read.
 * Used by the live tests and the fan-out benchmark.
 */
public final class SseClients implements AutoCloseable {

  /** Told of every event and comment of every stream, on the selector thread. */
  public interface Listener {
    void onEvent(int stream, String event, String data, long receivedNanos);

    default void onComment(int stream, String comment, long receivedNanos) {}

    /** The stream ended: the server completed it ({@code completed}) or the connection broke. */
    default void onEnd(int stream, boolean completed) {}
  }

  private final Selector selector;
  private final Listener listener;
  private final List<Connection> connections = new ArrayList<>();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();
  private final Thread loop;
  private volatile boolean running = true;

  /** Opens {@code count} streams to {@code server} at once. */
  public SseClients(InetSocketAddress server, String path, int count, Listener listener) {
    this.listener = listener;
    try {
      selector = Selector.open();
      byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < count; i++) {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Connection connection = new Connection(i, channel, ByteBuffer.wrap(request));
        connections.add(connection);
        channel.connect(server);
        channel.register(selector, SelectionKey.OP_CONNECT, connection);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    loop = new Thread(this::run, "sse-clients");
    loop.setDaemon(true);
    loop.start();
  }

  /** Streams whose response headers arrived with status 200. */
  public int started() {
    return started.get();
  }

  /** Streams that ended, completed by the server or broken. */
  public int ended() {
    return ended.get();
  }

  /** Closes the connection of stream {@code stream}, as a browser tab that goes away. */
  public void disconnect(int stream) {
    Connection connection = connections.get(stream);
    selector.wakeup();
    try {
      connection.channel.close();
    } catch (IOException ignored) {
      // closed already
    }
  }

  @Override
  public void close() {
    running = false;
    selector.wakeup();
    try {
      loop.join(TimeUnit.SECONDS.toMillis(10));
      for (Connection connection : connections) {
        connection.channel.close();
      }
      selector.close();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    while (running) {
      try {
        selector.select(100);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          Connection connection = (Connection) key.attachment();
          try {
            if (key.isConnectable() && connection.channel.finishConnect()) {
              key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
              connection.channel.write(connection.request);
              if (!connection.request.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
              }
            }
            if (key.isValid() && key.isReadable()) {
              buffer.clear();
              int n = connection.channel.read(buffer);
              if (n < 0) {
                connection.end(false);
                key.cancel();
              } else {
                connection.receive(buffer.array(), n, System.nanoTime());
              }
            }
          } catch (IOException e) {
            connection.end(false);
            key.cancel();
          }
        }
      } catch (IOException | java.nio.channels.ClosedSelectorException e) {
        return;
      }
    }
  }

  /** One stream: the HTTP response head, then chunks, then events. */
  private final class Connection {
    final int index;
    final SocketChannel channel;
    final ByteBuffer request;
    private byte[] head = new byte[512];
    private int headLength;
    private boolean headDone;
    private boolean chunked;
    private long chunkLeft = -1; // -1: reading a size line; -2: reading the CRLF after a chunk
    private long chunkSize;
    private byte[] body = new byte[4096];
    private int bodyLength;
    private int scanned; // where the search for the blank line that ends an event goes on
    private boolean done;

    Connection(int index, SocketChannel channel, ByteBuffer request) {
      this.index = index;
      this.channel = channel;
      this.request = request;
    }

    void receive(byte[] bytes, int length, long nanos) {
      int i = 0;
      while (i < length && !headDone) {
        if (headLength == head.length) {
          head = Arrays.copyOf(head, head.length * 2);
        }
        head[headLength++] = bytes[i++];
        int n = headLength;
        if (n >= 4 && head[n - 4] == '\r' && head[n - 3] == '\n' && head[n - 2] == '\r' && head[n - 1] == '\n') {
          headDone = true;
          String text = new String(head, 0, n, StandardCharsets.ISO_8859_1);
          chunked = text.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked");
          if (text.startsWith("HTTP/1.1 200")) {
            started.incrementAndGet();
          } else {
            end(false);
            return;
          }
        }
      }
      while (i < length) {
        if (!chunked) {
          append(bytes, i, length - i);
          break;
        }
        if (chunkLeft > 0) {
          int take = (int) Math.min(chunkLeft, length - i);
          append(bytes, i, take);
          i += take;
          chunkLeft -= take;
          if (chunkLeft == 0) {
            chunkLeft = -2;
          }
          continue;
        }
        byte b = bytes[i++];
        if (b == '\n') {
          if (chunkLeft == -2) {
            chunkLeft = -1;
          } else if (chunkSize == 0) {
            parse(nanos);
            end(true);
            return;
          } else {
            chunkLeft = chunkSize;
            chunkSize = 0;
          }
        } else if (b != '\r' && chunkLeft == -1) {
          chunkSize = chunkSize * 16 + Character.digit(b, 16);
        }
      }
      parse(nanos);
    }

    private void append(byte[] bytes, int from, int count) {
      if (bodyLength + count > body.length) {
        body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + count));
      }
      System.arraycopy(bytes, from, body, bodyLength, count);
      bodyLength += count;
    }

    private void parse(long nanos) {
      int start = 0;
      for (int i = Math.max(scanned, 1); i < bodyLength; i++) {
        if (body[i] == '\n' && body[i - 1] == '\n') {
          dispatch(new String(body, start, i - 1 - start, StandardCharsets.UTF_8), nanos);
          start = i + 1;
        }
      }
      if (start > 0) {
        System.arraycopy(body, start, body, 0, bodyLength - start);
        bodyLength -= start;
      }
      scanned = bodyLength;
    }

    private void dispatch(String block, long nanos) {
      String event = "message";
      StringBuilder data = null;
      int from = 0;
      while (from <= block.length()) {
        int end = block.indexOf('\n', from);
        String line = block.substring(from, end < 0 ? block.length() : end);
        from = end < 0 ? block.length() + 1 : end + 1;
        if (line.startsWith(":")) {
          listener.onComment(index, line.substring(1), nanos);
        } else if (line.startsWith("event:")) {
          event = line.substring("event:".length());
        } else if (line.startsWith("data:")) {
          data = data == null ? new StringBuilder() : data.append('\n');
          data.append(line, "data:".length(), line.length());
        }
      }
      if (data != null) {
        listener.onEvent(index, event, data.toString(), nanos);
      }
    }

    void end(boolean completed) {
      if (!done) {
        done = true;
        ended.incrementAndGet();
        listener.onEnd(index, completed);
      }
    }
  }
}
