package dev.reactserver.state.spring;

import java.io.ByteArrayOutputStream;
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
import java.util.Iterator;
import java.util.List;
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
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final StringBuilder chunkLine = new StringBuilder();
    private boolean headDone;
    private boolean chunked;
    private long chunkLeft = -1; // -1: reading a size line; -2: reading the CRLF after a chunk
    private boolean done;

    Connection(int index, SocketChannel channel, ByteBuffer request) {
      this.index = index;
      this.channel = channel;
      this.request = request;
    }

    void receive(byte[] bytes, int length, long nanos) {
      int i = 0;
      while (i < length && !headDone) {
        head.write(bytes[i++]);
        byte[] h = head.toByteArray();
        int n = h.length;
        if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
          headDone = true;
          String text = new String(h, StandardCharsets.ISO_8859_1);
          chunked = text.toLowerCase().contains("transfer-encoding: chunked");
          if (text.startsWith("HTTP/1.1 200")) {
            started.incrementAndGet();
          } else {
            end(false);
            return;
          }
        }
      }
      for (; i < length; i++) {
        byte b = bytes[i];
        if (!chunked) {
          body.write(b);
        } else if (chunkLeft > 0) {
          body.write(b);
          if (--chunkLeft == 0) {
            chunkLeft = -2;
          }
        } else if (b == '\n') {
          String line = chunkLine.toString().trim();
          chunkLine.setLength(0);
          if (chunkLeft == -2) {
            chunkLeft = -1;
          } else if (!line.isEmpty()) {
            chunkLeft = Long.parseLong(line, 16);
            if (chunkLeft == 0) {
              parse(nanos);
              end(true);
              return;
            }
          }
        } else if (b != '\r') {
          chunkLine.append((char) b);
        }
      }
      parse(nanos);
    }

    private void parse(long nanos) {
      byte[] data = body.toByteArray();
      int start = 0;
      for (int i = 0; i + 1 < data.length; i++) {
        if (data[i] == '\n' && data[i + 1] == '\n') {
          dispatch(new String(data, start, i - start, StandardCharsets.UTF_8), nanos);
          start = i + 2;
          i++;
        }
      }
      if (start > 0) {
        body.reset();
        body.write(data, start, data.length - start);
      }
    }

    private void dispatch(String block, long nanos) {
      String event = "message";
      StringBuilder data = null;
      for (String line : block.split("\n", -1)) {
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
