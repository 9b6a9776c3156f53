package dev.reactserver.state.postgres;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WriteCombinerTest {

  @Test
  void aWriteAloneRunsAtOnceOnItsOwnThread() {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    WriteCombiner<Integer, Integer> combiner = new WriteCombiner<>(1, 64, batch -> {
      ranOn.set(Thread.currentThread());
      return batch.stream().map(write -> write * 10).toList();
    });

    assertThat(combiner.run(4)).isEqualTo(40);
    assertThat(ranOn.get()).isSameInstanceAs(Thread.currentThread());
  }

  @Test
  void writesOfManyThreadsShareBatchesOneBatchAtATimeAndEachGetsItsOwnOutcome() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    LongAdder batches = new LongAdder();
    AtomicInteger largest = new AtomicInteger();
    WriteCombiner<Integer, Integer> combiner = new WriteCombiner<>(1, 8, batch -> {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      batches.increment();
      largest.accumulateAndGet(batch.size(), Math::max);
      pause(1); // a round trip
      running.decrementAndGet();
      return batch.stream().map(write -> -write).toList();
    });
    int threads = 16;
    int writesEach = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        wrong.add(pool.submit(() -> {
          start.await();
          int mismatches = 0;
          for (int i = 0; i < writesEach; i++) {
            int write = thread * writesEach + i + 1;
            mismatches += combiner.run(write) == -write ? 0 : 1;
          }
          return mismatches;
        }));
      }
      start.countDown();
      for (Future<Integer> mismatches : wrong) {
        assertThat(mismatches.get()).isEqualTo(0);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(mostAtOnce.get()).isEqualTo(1);
    assertThat(largest.get()).isGreaterThan(1);
    assertThat(largest.get()).isAtMost(8);
    assertThat(batches.sum()).isLessThan(threads * writesEach / 2L);
  }

  @Test
  void twoRunnersRunTwoBatchesAtOnceAtMost() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    WriteCombiner<Integer, Integer> combiner = new WriteCombiner<>(2, 64, batch -> {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      pause(2);
      running.decrementAndGet();
      return batch;
    });
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 50; i++) {
            combiner.run(i);
          }
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(mostAtOnce.get()).isEqualTo(2);
  }

  @Test
  void aBatchFunctionThatThrowsFailsEachWriteOfItsBatchAndTheNextBatchesRun() {
    WriteCombiner<Integer, Integer> combiner = new WriteCombiner<>(1, 64, batch -> {
      if (batch.contains(13)) {
        throw new IllegalStateException("thirteen");
      }
      return batch;
    });

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> combiner.run(13));

    assertThat(e).hasMessageThat().isEqualTo("thirteen");
    assertThat(combiner.run(14)).isEqualTo(14);
  }

  private static void awaitWaiting(Thread thread) {
    while (thread.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }
  }

  @Test
  void anInterruptedWriterWaitsForItsOutcomeAndKeepsItsInterrupt() throws Exception {
    CountDownLatch inBatch = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    WriteCombiner<Integer, Integer> combiner = new WriteCombiner<>(1, 64, batch -> {
      if (batch.contains(1)) {
        inBatch.countDown();
        await(release);
      }
      return batch;
    });
    Thread first = new Thread(() -> combiner.run(1));
    first.start();
    assertThat(inBatch.await(10, TimeUnit.SECONDS)).isTrue();
    AtomicReference<Integer> outcome = new AtomicReference<>();
    AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
    Thread second = new Thread(() -> {
      outcome.set(combiner.run(2));
      interruptedAfter.set(Thread.currentThread().isInterrupted());
    });
    second.start();
    awaitWaiting(second);
    second.interrupt();
    // The only runner is held in the first batch until the release: the second write cannot run, nor its
    // outcome exist, before it. What the interrupt may not do is end the wait without the outcome.
    release.countDown();
    first.join(10_000);
    second.join(10_000);

    assertThat(outcome.get()).isEqualTo(2);
    assertThat(interruptedAfter.get()).isTrue();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("the latch was not released within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
