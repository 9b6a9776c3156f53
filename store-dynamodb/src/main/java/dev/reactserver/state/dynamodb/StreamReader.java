package dev.reactserver.state.dynamodb;

import dev.reactserver.state.remote.spi.ChangeMessage;
import dev.reactserver.state.remote.spi.ReaderThread;
import dev.reactserver.state.runtime.StoreUnavailableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DescribeStreamResponse;
import software.amazon.awssdk.services.dynamodb.model.ExpiredIteratorException;
import software.amazon.awssdk.services.dynamodb.model.GetRecordsResponse;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.Shard;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;
import software.amazon.awssdk.services.dynamodb.model.TrimmedDataAccessException;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;

/**
 * Reads the table's stream on one thread and hands each change of a state (and each scope's end) on as
 * a {@link ChangeMessage}, in the order of each shard. It starts at the stream's end when the store is built
 * (so no change written after that is missed), follows new shards from their start, and after a failed
 * call reads on from where it stood; only if the stream no longer has those records (an iterator
 * expires after 15 minutes, records after 24 hours) does it start at the end again and call
 * {@code restored}.
 */
final class StreamReader implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger("dev.reactserver.state");
  private static final long DISCOVER_EVERY_MILLIS = 5_000;
  private static final int BATCH = 1_000;

  private final DynamoDbStreamsClient client;
  private final boolean ownsClient;
  private final String streamArn;
  private final Consumer<ChangeMessage> receiver;
  private final Runnable restored;
  private final long pollMillis;
  private final AwsRequestOverrideConfiguration timeout;
  private final Map<String, String> iterators = new LinkedHashMap<>();
  private final Set<String> finished = new HashSet<>();
  private final ReaderThread reader;
  private long discovered;

  /**
   * Positions at the end of every open shard, then starts reading.
   *
   * @throws StoreUnavailableException if the stream cannot be read
   */
  StreamReader(DynamoDbStreamsClient client, boolean ownsClient, String streamArn, Consumer<ChangeMessage> receiver,
      Runnable restored, Duration poll, AwsRequestOverrideConfiguration timeout) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.streamArn = streamArn;
    this.receiver = receiver;
    this.restored = restored;
    this.pollMillis = poll.toMillis();
    this.timeout = timeout;
    try {
      discover(true);
    } catch (SdkException e) {
      close();
      throw new StoreUnavailableException("cannot read the stream " + streamArn + ": " + e.getMessage(), e);
    }
    this.reader = new ReaderThread("reactserver-state-stream-" + streamArn.substring(
        Math.max(0, streamArn.length() - 40)), this::read);
    reader.start();
  }

  private void read() {
    boolean failing = false;
    boolean lost = false;
    while (reader.running()) {
      try {
        if (lost) {
          iterators.clear();
          finished.clear();
          discover(true);
          LOG.log(System.Logger.Level.INFO, "reading the stream " + streamArn + " from its end again; listeners"
              + " are told what they missed");
          restored.run();
          lost = false;
        }
        boolean full = false;
        for (String shard : List.copyOf(iterators.keySet())) {
          full |= readShard(shard);
        }
        if (failing) {
          LOG.log(System.Logger.Level.INFO, "reading the stream " + streamArn + " again, from where it stopped");
          failing = false;
        }
        if (System.currentTimeMillis() - discovered > DISCOVER_EVERY_MILLIS) {
          discover(false);
        }
        if (!full) {
          reader.pause(pollMillis); // each poll costs the server a read: at most one per interval unless behind
        }
      } catch (ExpiredIteratorException | TrimmedDataAccessException | ResourceNotFoundException e) {
        // Where this reader stood is gone: start at the end, and catch the listeners up.
        LOG.log(System.Logger.Level.WARNING, "the stream " + streamArn + " no longer has the records after"
            + " where this instance read (" + e.getClass().getSimpleName() + "); its listeners are caught up");
        LOG.log(System.Logger.Level.DEBUG, "the stream " + streamArn + " lost its place", e);
        lost = true;
      } catch (RuntimeException e) {
        if (reader.running()) {
          // One line per outage at WARNING, each failure's trace at DEBUG; the iterators stay valid
          // (15 minutes), so nothing is missed.
          if (!failing) {
            LOG.log(System.Logger.Level.WARNING, "reading the stream " + streamArn + " failed ("
                + e.getClass().getSimpleName() + ": " + e.getMessage() + "); listeners of this instance hear"
                + " other instances' changes once it is back");
          }
          LOG.log(System.Logger.Level.DEBUG, "reading the stream " + streamArn + " failed", e);
          failing = true;
          reader.pause(Math.max(pollMillis, 250));
        }
      }
    }
  }

  /** Reads one batch of a shard's records; whether it was full (more are waiting). */
  private boolean readShard(String shard) {
    String iterator = iterators.get(shard);
    GetRecordsResponse response = client.getRecords(b -> b.shardIterator(iterator).limit(BATCH)
        .overrideConfiguration(timeout));
    for (Record record : response.records()) {
      ChangeMessage message = message(record);
      if (message != null) {
        receiver.accept(message);
      }
    }
    if (response.nextShardIterator() == null) {
      iterators.remove(shard); // closed: its children follow
      finished.add(shard);
      discover(false);
    } else {
      iterators.put(shard, response.nextShardIterator());
    }
    return response.records().size() >= BATCH;
  }

  /**
   * Finds the stream's shards: at the start, the open ones from their end; later, new ones from their
   * start (they began after this reader did).
   */
  private void discover(boolean atStart) {
    List<Shard> shards = new ArrayList<>();
    String last = null;
    do {
      String from = last;
      DescribeStreamResponse page = client.describeStream(b -> b.streamArn(streamArn)
          .exclusiveStartShardId(from).overrideConfiguration(timeout));
      shards.addAll(page.streamDescription().shards());
      last = page.streamDescription().lastEvaluatedShardId();
    } while (last != null);
    for (Shard shard : shards) {
      String id = shard.shardId();
      if (iterators.containsKey(id) || finished.contains(id)) {
        continue;
      }
      // At the start every shard is read from its end: a closed one then ends at once (servers differ in
      // whether an open shard reports an ending sequence number, so that is not asked).
      ShardIteratorType type = atStart ? ShardIteratorType.LATEST : ShardIteratorType.TRIM_HORIZON;
      String iterator = client.getShardIterator(b -> b.streamArn(streamArn).shardId(id).shardIteratorType(type)
          .overrideConfiguration(timeout)).shardIterator();
      if (iterator != null) {
        iterators.put(id, iterator);
      }
    }
    discovered = System.currentTimeMillis();
  }

  /** The change a record stands for, or null (a creation, a touch, a link, a hold). */
  static ChangeMessage message(Record record) {
    Map<String, AttributeValue> before = record.dynamodb().oldImage();
    Map<String, AttributeValue> after = record.dynamodb().newImage();
    OperationType operation = record.eventName();
    if (operation == OperationType.INSERT && after != null && Items.isEnd(after)) {
      return ChangeMessage.scopeEnded(Items.string(after, Items.SCOPE));
    }
    if (operation == OperationType.REMOVE && before != null && Items.isState(before)) {
      return ChangeMessage.deleted(Items.id(before), Items.value(before), Items.string(before, Items.DECLARATION),
          Items.string(before, Items.TYPE));
    }
    if (operation == OperationType.MODIFY && before != null && after != null && Items.isState(after)
        && Items.version(before) != Items.version(after)) {
      return ChangeMessage.written(Items.id(after), Items.value(before), Items.value(after),
          Items.string(after, Items.DECLARATION), Items.string(after, Items.TYPE));
    }
    return null;
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.stop(true);
    }
    if (ownsClient) {
      client.close();
    }
  }
}
