package dev.reactserver.state.dynamodb;

import static dev.reactserver.state.dynamodb.DynamoDbCalls.attributeNames;
import static dev.reactserver.state.dynamodb.Items.DECLARATION;
import static dev.reactserver.state.dynamodb.Items.NUMBER;
import static dev.reactserver.state.dynamodb.Items.PK;
import static dev.reactserver.state.dynamodb.Items.SCOPE;
import static dev.reactserver.state.dynamodb.Items.TYPE;
import static dev.reactserver.state.dynamodb.Items.VALUE;
import static dev.reactserver.state.dynamodb.Items.VERSION;
import static dev.reactserver.state.dynamodb.Items.number;
import static dev.reactserver.state.dynamodb.Items.text;
import static dev.reactserver.state.remote.spi.StoreMessages.shortened;

import dev.reactserver.state.remote.spi.ChangeMessage;
import dev.reactserver.state.remote.spi.CompareAndSetResult;
import dev.reactserver.state.remote.spi.HeldUpdates;
import dev.reactserver.state.remote.spi.NumberKind;
import dev.reactserver.state.remote.spi.StoredState;
import dev.reactserver.state.remote.spi.Written;
import dev.reactserver.state.runtime.StateId;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * Reads and conditional writes of one state's item: every write's condition is that the state exists,
 * has not expired and no other update holds it (waiting while one does, see {@link ItemHolds}); each
 * write raises the version and, without a stream, tells its change ({@link LocalChanges}).
 */
final class ItemWrites {

  private static final String LIVE = "(attribute_not_exists(#exp) OR #exp >= :now)";
  private static final String NOT_HELD = "(attribute_not_exists(#hold) OR #until < :now)";
  /** The condition of every write: the state exists, has not expired, and no other update holds it. */
  static final String WRITABLE = "attribute_exists(" + PK + ") AND " + LIVE + " AND " + NOT_HELD;


  private final DynamoDbCalls calls;
  private final DynamoDbClient client;
  private final String table;
  private final ItemHolds holds;
  private final LocalChanges changes;

  ItemWrites(DynamoDbCalls calls, ItemHolds holds, LocalChanges changes) {
    this.calls = calls;
    this.client = calls.client();
    this.table = calls.table();
    this.holds = holds;
    this.changes = changes;
  }

  /** The live item of a state, read strongly consistent; null if it does not exist or expired. */
  Map<String, AttributeValue> item(StateId id) {
    Map<String, AttributeValue> item = calls.call("read " + shortened(id), () -> client.getItem(b -> b
        .tableName(table).key(Items.stateKey(id)).consistentRead(true).overrideConfiguration(calls.timeout()))).item();
    return item == null || item.isEmpty() || Items.expired(item, System.currentTimeMillis()) ? null : item;
  }

  Written set(StateId id, String value) {
    return changes.inOrder(id, () -> {
      UpdateItemResponse response = write(id, value, "", Map.of());
      return response == null ? null : writtenOver(id, response, value);
    });
  }

  CompareAndSetResult compareAndSet(StateId id, long version, String value) {
    try {
      return changes.inOrder(id, () -> {
        UpdateItemResponse response = write(id, value, " AND " + VERSION + " = :expected",
            Map.of(":expected", number(version)));
        return response == null ? CompareAndSetResult.lost(null)
            : CompareAndSetResult.wrote(writtenOver(id, response, value));
      });
    } catch (LostWithItem lost) {
      return CompareAndSetResult.lost(lost.found);
    }
  }

  /**
   * Sets the value of a live state that no other update holds (and any {@code condition} on it), raising
   * its version; the old item, or null if the state does not exist ({@link LostWithItem} if the
   * condition failed). Waits while another update holds the state.
   */
  private UpdateItemResponse write(StateId id, String value, String condition,
      Map<String, AttributeValue> conditionValues) {
    String attribute = Items.valueAttribute(value);
    String other = NUMBER.equals(attribute) ? VALUE : NUMBER;
    Map<String, AttributeValue> sized = new HashMap<>(Items.stateKey(id));
    sized.put(SCOPE, text(id.scope()));
    sized.put(Items.KEY, text(id.key()));
    sized.put(attribute, Items.valueOf(value));
    Items.requireFits(id, sized);
    HeldUpdates.refuseWrite("write " + id);
    // A write after a hold expired breaks it, so that the late holder's own write fails.
    String update = "SET " + attribute + " = :value ADD " + VERSION + " :one REMOVE " + other + ", #hold, #until";
    String check = WRITABLE + condition;
    long deadline = holds.deadline();
    while (true) {
      Map<String, AttributeValue> values = new HashMap<>(conditionValues);
      values.put(":value", Items.valueOf(value));
      values.put(":one", number(1));
      values.put(":now", number(System.currentTimeMillis()));
      try {
        return update("write " + shortened(id), id, update, check, values, ReturnValue.ALL_OLD);
      } catch (ConditionalCheckFailedException e) {
        Map<String, AttributeValue> found = itemAfter(id, e);
        if (found == null) {
          return null;
        }
        if (ItemHolds.heldByAnother(found)) {
          holds.await(id, deadline);
        } else if (!condition.isEmpty()) {
          throw new LostWithItem(Items.stored(found));
        }
      }
    }
  }

  /** The write of {@code value} over the old item, told to this instance's listeners if no stream does. */
  private Written writtenOver(StateId id, UpdateItemResponse response, String value) {
    Map<String, AttributeValue> old = response.attributes();
    Written written = new Written(Items.value(old), value, Items.version(old) + 1);
    changes.tell(() -> ChangeMessage.written(id, written.oldValue(), value, Items.string(old, DECLARATION),
        Items.string(old, TYPE)));
    return written;
  }

  Written add(StateId id, NumberKind kind, String delta) {
    if (kind == NumberKind.DOUBLE) {
      // DynamoDB adds decimals (0.1 + 0.2 is 0.3 there): an update in Java gives the IEEE sum.
      return Written.NOT_ADDED;
    }
    long by = Long.parseLong(delta);
    long min = kind == NumberKind.INT ? Integer.MIN_VALUE : Long.MIN_VALUE;
    long max = kind == NumberKind.INT ? Integer.MAX_VALUE : Long.MAX_VALUE;
    // The sum must stay in range: the stored number must lie in [min - by, max - by] (within long).
    long low = by < 0 ? min - by : min;
    long high = by > 0 ? max - by : max;
    HeldUpdates.refuseWrite("add to " + id);
    String update = "ADD " + NUMBER + " :by, " + VERSION + " :one REMOVE #hold, #until";
    String check = WRITABLE + " AND " + NUMBER + " BETWEEN :low AND :high";
    long deadline = holds.deadline();
    return changes.inOrder(id, () -> {
      while (true) {
        UpdateItemResponse response;
        try {
          response = update("add to " + shortened(id), id, update, check, Map.of(":by", number(by),
              ":one", number(1), ":low", number(low), ":high", number(high),
              ":now", number(System.currentTimeMillis())), ReturnValue.ALL_NEW);
        } catch (ConditionalCheckFailedException e) {
          Map<String, AttributeValue> found = itemAfter(id, e);
          if (found == null) {
            return null;
          }
          if (ItemHolds.heldByAnother(found)) {
            holds.await(id, deadline);
            continue;
          }
          return Written.NOT_ADDED; // out of range, or not a number: an update in Java
        }
        Map<String, AttributeValue> now = response.attributes();
        String sum = Items.value(now);
        String before = Long.toString(Long.parseLong(sum) - by);
        changes.tell(() -> ChangeMessage.written(id, before, sum, Items.string(now, DECLARATION),
            Items.string(now, TYPE)));
        return new Written(before, sum, Items.version(now));
      }
    });
  }

  /** One conditional {@code UpdateItem} of a state; a failed condition returns the old item with it. */
  private UpdateItemResponse update(String what, StateId id, String update, String check,
      Map<String, AttributeValue> values, ReturnValue returned) {
    return calls.call(what, () -> client.updateItem(b -> b.tableName(table)
        .key(Items.stateKey(id))
        .updateExpression(update)
        .conditionExpression(check)
        .expressionAttributeNames(attributeNames(update, check))
        .expressionAttributeValues(values)
        .returnValues(returned)
        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
        .overrideConfiguration(calls.timeout())));
  }

  /** The live item after a failed condition: as the server returned it, else read; null if gone. */
  Map<String, AttributeValue> itemAfter(StateId id, ConditionalCheckFailedException e) {
    if (e.hasItem() && !e.item().isEmpty()) {
      return Items.expired(e.item(), System.currentTimeMillis()) ? null : e.item();
    }
    return item(id);
  }

  /** Deletes a state no update holds (if {@code condition} holds) and tells it; the deleted item, or null. */
  Map<String, AttributeValue> delete(StateId id, String condition, Map<String, AttributeValue> values) {
    HeldUpdates.refuseWrite("delete " + id);
    String check = "attribute_exists(" + PK + ") AND " + NOT_HELD + condition;
    long deadline = holds.deadline();
    return changes.inOrder(id, () -> {
      while (true) {
        Map<String, AttributeValue> old;
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":now", number(System.currentTimeMillis()));
        try {
          old = calls.call("delete " + shortened(id), () -> client.deleteItem(b -> b.tableName(table)
              .key(Items.stateKey(id))
              .conditionExpression(check)
              .expressionAttributeNames(attributeNames(check))
              .expressionAttributeValues(all)
              .returnValues(ReturnValue.ALL_OLD)
              .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
              .overrideConfiguration(calls.timeout()))).attributes();
        } catch (ConditionalCheckFailedException e) {
          Map<String, AttributeValue> found = e.hasItem() && !e.item().isEmpty() ? e.item() : item(id);
          if (found != null && ItemHolds.heldByAnother(found)) {
            holds.await(id, deadline);
            continue;
          }
          return null;
        }
        if (old == null || old.isEmpty()) {
          return null;
        }
        changes.tell(() -> ChangeMessage.deleted(id, Items.value(old), Items.string(old, DECLARATION),
            Items.string(old, TYPE)));
        return old;
      }
    });
  }

  /** A compare-and-set lost, and the server told the state it found instead. */
  private static final class LostWithItem extends RuntimeException {
    final transient StoredState found;

    LostWithItem(StoredState found) {
      super(null, null, false, false);
      this.found = found;
    }
  }
}
