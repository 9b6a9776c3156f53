package dev.reactserver.state.example.web;

import dev.reactserver.state.spring.SseClients;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The live path at scale, measured from outside: the example runs as a server process of its own (the
 * starter, Spring Security, Tomcat, the in-memory store); N streams of distinct clients (no cookie:
 * a client each) watch the page's {@code /live}; one signed-out visitor restocks the shared stock at a
 * fixed rate. Reports, per N: streams that opened, latency from the write to each stream's event
 * (p50, p99, max), repeated or older values and whether every stream ended on the last value, the
 * writer's latency with no stream and with N, server CPU per stream per change (from {@code /proc},
 * less the server's CPU per change measured without streams: the fan-out's own cost), server threads, and heap per idle stream (after a full GC, with and without the
 * streams). Not a test: it asserts nothing, it prints a table and writes it to
 * {@code target/fanout-results.md}.
 *
 * <pre>
 * mvn -B -q -pl example-web -am -DskipTests install exec:exec@fanout \
 *     -Dfanout.args="--streams=100,1000 --rate=50 --seconds=20 --runs=1"
 * </pre>
 *
 * <p>{@code --histogram} also prints what the idle streams hold, by class; {@code --server-jvm=OPTION}
 * passes one option to the server's JVM (a flight recording, another collector).
 */
public final class LiveFanOutBenchmark {

  private static final Pattern STOCK = Pattern.compile("id=\"stock-count\">(\\d+)<");
  private static final String STOCK_COUNT = "id=\"stock-count\">";
  private static final Pattern META = Pattern.compile("<meta name=\"(csrf-header|csrf-token)\" content=\"([^\"]*)\">");
  private static final long CLOCK_TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

  private LiveFanOutBenchmark() {}

  public static void main(String[] args) throws Exception {
    List<Integer> counts = List.of(100, 1000);
    int rate = 50;
    int seconds = 20;
    String serverHeap = "4g";
    List<String> serverJvm = List.of();
    boolean histogram = false;
    int runs = 1;
    for (String arg : args) {
      if (arg.startsWith("--streams=")) {
        counts = Arrays.stream(arg.substring("--streams=".length()).split(",")).map(Integer::valueOf).toList();
      } else if (arg.startsWith("--rate=")) {
        rate = Integer.parseInt(arg.substring("--rate=".length()));
      } else if (arg.startsWith("--seconds=")) {
        seconds = Integer.parseInt(arg.substring("--seconds=".length()));
      } else if (arg.startsWith("--server-heap=")) {
        serverHeap = arg.substring("--server-heap=".length());
      } else if (arg.startsWith("--runs=")) {
        runs = Integer.parseInt(arg.substring("--runs=".length()));
      } else if (arg.equals("--histogram")) {
        histogram = true;
      } else if (arg.startsWith("--server-jvm=")) {
        serverJvm = List.of(arg.substring("--server-jvm=".length()).split(" "));
      } else if (!arg.isBlank()) {
        throw new IllegalArgumentException("unknown argument " + arg
            + " (--streams=100,1000 --rate=50 --seconds=20 --runs=1 --server-heap=4g --server-jvm=-XX:... --histogram)");
      }
    }
    StringBuilder table = new StringBuilder()
        .append("| streams | changes/s | opened | p50 | p99 | max | repeated / older | all end on last"
            + " | writer p50 / p99, no stream | writer p50 / p99, N streams | fan-out CPU per stream per change"
            + " | server threads, no stream / N | heap per idle stream |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int n : counts) {
      for (int run = 0; run < runs; run++) {
        String row = run(n, rate, seconds, serverHeap, serverJvm, histogram);
        table.append(row).append('\n');
        System.out.println(row);
      }
    }
    System.out.println(table);
    Path out = Path.of("target", "fanout-results.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, table);
  }

  private static String run(int streams, int rate, int seconds, String serverHeap, List<String> serverJvm,
      boolean histogram) throws Exception {
    int port = freePort();
    Path log = Path.of("target", "fanout-server-" + streams + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xms" + serverHeap, "-Xmx" + serverHeap));
    command.addAll(serverJvm);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), ExampleWebApplication.class.getName(),
        "--server.port=" + port, "--server.tomcat.max-connections=" + (streams + 1000),
        "--server.tomcat.accept-count=" + 2000, "--logging.level.root=WARN"));
    Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      Writer writer = new Writer(port);
      await(writer::ready, 120, "the server did not start (see " + log + ")");
      writer.signIn();
      writer.restock(rate, Math.max(3, seconds / 4) * rate, null); // warm-up, not counted
      long[] aloneBefore = cpuTicks(server.pid());
      int aloneChanges = Math.max(2, seconds / 2) * rate;
      Latencies writerAlone = writer.restock(rate, aloneChanges, null);
      long[] aloneAfter = cpuTicks(server.pid());
      // The server's CPU per change without streams (the POST, the write, heartbeats): not fan-out.
      double perChangeAlone = (double) (aloneAfter[0] + aloneAfter[1] - aloneBefore[0] - aloneBefore[1])
          * CLOCK_TICK_NANOS / aloneChanges;
      long heapAlone = heapAfterGc(server.pid());
      Map<String, long[]> classesAlone = histogram ? classHistogram(server.pid()) : Map.of();
      long threadsAlone = threads(server.pid());

      Streams watchers = new Streams(streams);
      try (SseClients clients = new SseClients(new InetSocketAddress("127.0.0.1", port), "/live", streams,
          watchers)) {
        boolean opened = awaitQuietly(() -> watchers.opened() == streams, 180);
        Thread.sleep(2000);
        long heapWatched = heapAfterGc(server.pid());
        if (histogram) {
          printGrowth(classesAlone, classHistogram(server.pid()), streams);
        }
        writer.restock(rate, Math.max(3, seconds / 4) * rate, watchers); // warm-up, not counted
        long warm = writer.stock;
        awaitQuietly(() -> watchers.atValue(warm) == streams, 30);
        watchers.reset();
        Map<String, Long> threadsBefore = threadTicks(server.pid());
        long[] cpuBefore = cpuTicks(server.pid());
        long[] clientBefore = cpuTicks(ProcessHandle.current().pid());
        long started = System.nanoTime();
        Latencies writerWatched = writer.restock(rate, seconds * rate, watchers);
        long last = writer.stock;
        boolean allLast = awaitQuietly(() -> watchers.atValue(last) == streams, 30);
        long[] cpuAfter = cpuTicks(server.pid());
        long[] clientAfter = cpuTicks(ProcessHandle.current().pid());
        System.out.println("server CPU by thread during the changes (" + streams + " streams): "
            + busiest(threadsBefore, threadTicks(server.pid())) + "; the benchmark's own process (the streams' "
            + "client) used " + (clientAfter[0] + clientAfter[1] - clientBefore[0] - clientBefore[1]) * CLOCK_TICK_NANOS
            / 1_000_000 + " ms");
        long userCpu = (cpuAfter[0] - cpuBefore[0]) * CLOCK_TICK_NANOS;
        long cpu = userCpu + (cpuAfter[1] - cpuBefore[1]) * CLOCK_TICK_NANOS;
        long elapsed = System.nanoTime() - started;
        long threadsWatched = threads(server.pid());
        long changes = (long) seconds * rate;
        Latencies delivery = watchers.latencies();
        double fanOut = Math.max(0, cpu - perChangeAlone * changes);
        return String.format("| %,d | %d | %,d%s | %s | %s | %s | %d / %d | %s | %s / %s | %s / %s | %.1f µs"
                + " (%.0f%% in the kernel; server %.0f%% of a core) | %d / %d (live: %d) | %,d bytes |",
            streams, rate, watchers.opened(), opened ? "" : " (" + clients.ended() + " ended)",
            ms(delivery.percentile(50)), ms(delivery.percentile(99)), ms(delivery.max()),
            watchers.repeated, watchers.older, allLast ? "yes" : "no (" + watchers.atValue(last) + ")",
            ms(writerAlone.percentile(50)), ms(writerAlone.percentile(99)),
            ms(writerWatched.percentile(50)), ms(writerWatched.percentile(99)),
            fanOut / 1000.0 / streams / changes, 100.0 * (cpu - userCpu) / cpu, 100.0 * cpu / elapsed,
            threadsAlone, threadsWatched, liveThreads(server.pid()),
            (heapWatched - heapAlone) / streams);
      }
    } finally {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  /** One signed-out visitor with a page, its cookies and CSRF token, who restocks the shared stock. */
  private static final class Writer {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;
    private final Map<String, String> cookies = new ConcurrentHashMap<>();
    private String csrfHeader;
    private String csrfToken;
    long stock;

    Writer(int port) {
      this.base = URI.create("http://127.0.0.1:" + port);
    }

    boolean ready() {
      try {
        return http.send(HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200;
      } catch (IOException | InterruptedException e) {
        return false;
      }
    }

    void signIn() throws Exception {
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/")).build(),
          HttpResponse.BodyHandlers.ofString());
      for (String cookie : page.headers().allValues("set-cookie")) {
        String pair = cookie.split(";", 2)[0];
        cookies.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
      Matcher meta = META.matcher(page.body());
      while (meta.find()) {
        if (meta.group(1).equals("csrf-header")) {
          csrfHeader = meta.group(2);
        } else {
          csrfToken = meta.group(2);
        }
      }
      Matcher count = STOCK.matcher(page.body());
      if (!count.find() || csrfHeader == null || csrfToken == null) {
        throw new IllegalStateException("the page has no stock count or CSRF token: " + page.body());
      }
      stock = Long.parseLong(count.group(1));
    }

    /** Restocks {@code count} times at {@code rate} per second; tells {@code watchers} when each is sent. */
    Latencies restock(int rate, int count, Streams watchers) throws Exception {
      Latencies latencies = new Latencies(count);
      String cookie = String.join("; ", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
          .toList());
      HttpRequest request = HttpRequest.newBuilder(base.resolve("/stock/restock"))
          .header("Cookie", cookie).header(csrfHeader, csrfToken).header("HX-Request", "true")
          .POST(HttpRequest.BodyPublishers.noBody()).build();
      long period = TimeUnit.SECONDS.toNanos(1) / rate;
      long next = System.nanoTime();
      for (int i = 0; i < count; i++) {
        LockSupport.parkNanos(next - System.nanoTime());
        next += period;
        long sent = System.nanoTime();
        stock += 10;
        if (watchers != null) {
          watchers.sent(stock, sent);
        }
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() != 204) {
          throw new IllegalStateException("restock answered " + response.statusCode());
        }
        latencies.add(System.nanoTime() - sent);
      }
      return latencies;
    }
  }

  /** What every stream received: its stock values in order, and their latencies from the write. */
  private static final class Streams implements SseClients.Listener {
    private final long[] lastValue;
    private final Map<Long, Long> sentAt = new ConcurrentHashMap<>();
    private final Latencies latencies = new Latencies(1 << 20);
    private volatile int opened;
    int repeated;
    int older;

    Streams(int count) {
      lastValue = new long[count];
      Arrays.fill(lastValue, -1);
    }

    void sent(long value, long nanos) {
      sentAt.put(value, nanos);
    }

    @Override
    public void onEvent(int stream, String event, String data, long receivedNanos) {
      if (!event.equals("stock")) {
        return;
      }
      int at = data.indexOf(STOCK_COUNT);
      if (at < 0) {
        return;
      }
      int from = at + STOCK_COUNT.length();
      long value = Long.parseLong(data, from, data.indexOf('<', from), 10);
      long previous = lastValue[stream];
      if (previous < 0) {
        opened++; // only the selector thread writes
      } else if (value == previous) {
        repeated++;
      } else if (value < previous) {
        older++;
      }
      lastValue[stream] = value;
      Long sent = sentAt.get(value);
      if (sent != null && previous >= 0) {
        synchronized (latencies) {
          latencies.add(receivedNanos - sent);
        }
      }
    }

    int opened() {
      return opened;
    }

    /** Forgets the latencies and counts so far (after a warm-up). */
    void reset() {
      synchronized (latencies) {
        latencies.clear();
      }
      repeated = 0;
      older = 0;
    }

    int atValue(long value) {
      int count = 0;
      for (long v : lastValue) {
        count += v == value ? 1 : 0;
      }
      return count;
    }

    Latencies latencies() {
      synchronized (latencies) {
        return latencies.copy();
      }
    }
  }

  /** Nanosecond samples. */
  private static final class Latencies {
    private long[] samples;
    private int size;

    Latencies(int capacity) {
      samples = new long[Math.max(16, capacity)];
    }

    void add(long nanos) {
      if (size == samples.length) {
        samples = Arrays.copyOf(samples, size * 2);
      }
      samples[size++] = nanos;
    }

    void clear() {
      size = 0;
    }

    Latencies copy() {
      Latencies copy = new Latencies(size);
      System.arraycopy(samples, 0, copy.samples, 0, size);
      copy.size = size;
      return copy;
    }

    long percentile(int p) {
      if (size == 0) {
        return -1;
      }
      long[] sorted = Arrays.copyOf(samples, size);
      Arrays.sort(sorted);
      return sorted[Math.min(size - 1, (int) Math.ceil(p / 100.0 * size) - 1)];
    }

    long max() {
      return percentile(100);
    }
  }

  private static String ms(long nanos) {
    return nanos < 0 ? "–" : String.format("%.1f ms", nanos / 1e6);
  }

  /** The process's user and system CPU time, in clock ticks. */
  private static long[] cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])}; // utime, stime
  }

  /** CPU ticks by thread name (as the kernel keeps it: 15 characters, digits folded into '#'). */
  private static Map<String, Long> threadTicks(long pid) throws IOException {
    Map<String, Long> ticks = new ConcurrentHashMap<>();
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "#");
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.merge(name, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
        } catch (IOException gone) {
          // the thread ended meanwhile
        }
      }
    }
    return ticks;
  }

  private static String busiest(Map<String, Long> before, Map<String, Long> after) {
    return after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(8)
        .map(e -> e.getKey() + " " + e.getValue() * CLOCK_TICK_NANOS / 1_000_000 + " ms")
        .toList().toString();
  }

  /** The starter's live threads (senders and the heartbeat timer). */
  private static long liveThreads(long pid) throws IOException {
    long count = 0;
    try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          count += Files.readString(task.resolve("comm")).startsWith("reactserver-sta") ? 1 : 0;
        } catch (IOException gone) {
          // the thread ended meanwhile
        }
      }
    }
    return count;
  }

  private static long threads(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Threads:")) {
        return Long.parseLong(line.substring("Threads:".length()).trim());
      }
    }
    return -1;
  }

  private static long heapAfterGc(long pid) throws Exception {
    jcmd(pid, "GC.run");
    Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd(pid, "GC.heap_info"));
    if (!used.find()) {
      throw new IllegalStateException("no heap figure from jcmd");
    }
    return Long.parseLong(used.group(1)) * 1024;
  }

  /** Instances and bytes by class, after a full GC. */
  private static Map<String, long[]> classHistogram(long pid) throws Exception {
    Map<String, long[]> classes = new ConcurrentHashMap<>();
    Pattern row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
      Matcher m = row.matcher(line);
      if (m.find()) {
        classes.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
      }
    }
    return classes;
  }

  /** What the idle streams hold: the classes whose heap grew most, per stream. */
  private static void printGrowth(Map<String, long[]> before, Map<String, long[]> after, int streams) {
    System.out.println("heap per idle stream by class (" + streams + " streams):");
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), new long[] {
            e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
            e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]}))
        .filter(e -> e.getValue()[1] >= 16L * streams)
        .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
        .forEach(e -> System.out.printf("  %8.1f instances %9.1f bytes  %s%n", e.getValue()[0] / (double) streams,
            e.getValue()[1] / (double) streams, e.getKey()));
    long outside = after.entrySet().stream()
        .filter(e -> !e.getKey().startsWith("org.apache.") && !e.getKey().startsWith("["))
        .mapToLong(e -> e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]).sum();
    System.out.printf("  objects outside Tomcat (arrays not counted): %.0f bytes per stream%n",
        outside / (double) streams);
  }

  private static String jcmd(long pid, String command) throws Exception {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        Long.toString(pid), command).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes());
    jcmd.waitFor();
    return output;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static void await(BooleanSupplier condition, int seconds, String failure) {
    if (!awaitQuietly(condition, seconds)) {
      throw new IllegalStateException(failure);
    }
  }

  private static boolean awaitQuietly(BooleanSupplier condition, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    return true;
  }
}
