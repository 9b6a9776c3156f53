package dev.reactserver.state.remote.spi;

import java.time.Duration;

/**
 * The daemon thread that reads a store's change channel (a stream, a {@code LISTEN} connection) until
 * the store closes: its loop runs while {@link #running()}, pauses through {@link #pause}, and
 * {@link #stop} ends it and waits for it. Assign it to a field before {@link #start()}, so that the loop
 * finds it there.
 */
public final class ReaderThread {

  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

  private final Thread thread;
  private volatile boolean running = true;

  /** A daemon thread named {@code name} that will run {@code loop}. */
  public ReaderThread(String name, Runnable loop) {
    thread = new Thread(loop, name);
    thread.setDaemon(true);
  }

  /** Starts the loop. */
  public void start() {
    thread.start();
  }

  /** Whether the loop should go on. */
  public boolean running() {
    return running;
  }

  /** Sleeps {@code millis}; an interrupt ends the loop. */
  public void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /**
   * Ends the loop and waits for it (at most 5 s); {@code interrupt} also wakes it from a pause or an
   * interruptible call.
   */
  public void stop(boolean interrupt) {
    running = false;
    if (interrupt) {
      thread.interrupt();
    }
    try {
      thread.join(JOIN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
