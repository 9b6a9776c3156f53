package dev.reactserver.state.dynamodb;

import static dev.reactserver.state.dynamodb.DynamoDbCalls.attributeNames;
import static dev.reactserver.state.dynamodb.Items.DECLARATION;
import static dev.reactserver.state.dynamodb.Items.HOLD;
import static dev.reactserver.state.dynamodb.Items.HOLD_UNTIL;
import static dev.reactserver.state.dynamodb.Items.NUMBER;
import static dev.reactserver.state.dynamodb.Items.TYPE;
import static dev.reactserver.state.dynamodb.Items.VALUE;
import static dev.reactserver.state.dynamodb.Items.VERSION;
import static dev.reactserver.state.dynamodb.Items.number;
import static dev.reactserver.state.dynamodb.Items.text;

import dev.reactserver.state.remote.spi.ChangeMessage;
import dev.reactserver.state.remote.spi.CompareAndSetResult;
import dev.reactserver.state.remote.spi.HeldUpdates;
import dev.reactserver.state.remote.spi.StoreMessages;
import dev.reactserver.state.remote.spi.Written;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StoreUnavailableException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;

/**
 * Holding a state for an update that keeps losing: the item gets a token ({@link Items#HOLD}) and an end
 * time ({@link Items#HOLD_UNTIL}, one command timeout ahead); every other write's condition refuses a
 * held item, and the writer waits for the hold to end (at most ten holds' time). The holder writes with
 * its token as the condition, and a write after the hold expired breaks it, so a late holder's write
 * fails instead of overwriting.
 */
final class ItemHolds {

  /** How many holds' time a writer waits for a state that stays held before it gives up. */
  private static final int HOLDS_WAITED_FOR = 10;
  private static final String MINE = "#hold = :token";

  private final DynamoDbCalls calls;
  private final Duration holdTime;
  private final LocalChanges changes;

  ItemHolds(DynamoDbCalls calls, Duration holdTime, LocalChanges changes) {
    this.calls = calls;
    this.holdTime = holdTime;
    this.changes = changes;
  }

  static boolean heldByAnother(Map<String, AttributeValue> item) {
    AttributeValue until = item.get(HOLD_UNTIL);
    return item.containsKey(HOLD) && until != null && Long.parseLong(until.n()) >= System.currentTimeMillis();
  }

  /** Until when (by {@link System#nanoTime()}) a write that starts now waits for held states. */
  long deadline() {
    return System.nanoTime() + holdTime.toNanos() * HOLDS_WAITED_FOR;
  }

  /** Waits a moment for a held state; gives up once {@code deadline} passed. */
  void await(StateId id, long deadline) {
    if (System.nanoTime() > deadline) {
      throw new StateException("state " + StoreMessages.shortened(id) + " stayed held by another instance's"
          + " update for " + holdTime.multipliedBy(HOLDS_WAITED_FOR) + "; nothing was written");
    }
    try {
      Thread.sleep(2);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while waiting for a held state "
          + StoreMessages.shortened(id), e);
    }
  }

  /**
   * Holds the live state {@code id} (waiting while another update holds it), writes {@code next} of its
   * value and lets it go; lost, with nothing written, if the state is gone or the function's write was
   * refused.
   *
   * @param writable the condition of a write to a live, unheld state
   * @param itemAfter the live item after a failed condition, or null if it is gone
   */
  CompareAndSetResult update(StateId id, UnaryOperator<String> next, String writable,
      BiFunction<StateId, ConditionalCheckFailedException, Map<String, AttributeValue>> itemAfter) {
    HeldUpdates.refuseWrite("update " + id);
    String token = UUID.randomUUID().toString();
    Map<String, AttributeValue> held = hold(id, token, writable, itemAfter);
    if (held == null) {
      return CompareAndSetResult.lost(null);
    }
    String value;
    try {
      value = HeldUpdates.apply(next, Items.value(held), null);
    } catch (RuntimeException | Error e) {
      release(id, token);
      throw e;
    }
    if (value == null) {
      release(id, token);
      return CompareAndSetResult.lost(null);
    }
    String attribute = Items.valueAttribute(value);
    String other = NUMBER.equals(attribute) ? VALUE : NUMBER;
    String update = "SET " + attribute + " = :value ADD " + VERSION + " :one REMOVE " + other + ", #hold, #until";
    try {
      return changes.inOrder(id, () -> {
        Map<String, AttributeValue> old = calls.call("update " + StoreMessages.shortened(id),
            () -> calls.client().updateItem(b -> b.tableName(calls.table())
                .key(Items.stateKey(id))
                .updateExpression(update)
                .conditionExpression(MINE)
                .expressionAttributeNames(attributeNames(update, MINE))
                .expressionAttributeValues(Map.of(":value", Items.valueOf(value), ":one", number(1),
                    ":token", text(token)))
                .returnValues(ReturnValue.ALL_OLD)
                .overrideConfiguration(calls.timeout()))).attributes();
        Written written = new Written(Items.value(old), value, Items.version(old) + 1);
        changes.tell(() -> ChangeMessage.written(id, written.oldValue(), value, Items.string(old, DECLARATION),
            Items.string(old, TYPE)));
        return CompareAndSetResult.wrote(written);
      });
    } catch (ConditionalCheckFailedException e) {
      return CompareAndSetResult.lost(null); // held longer than the command timeout: another took it
    }
  }

  /** Sets the hold; the held item, or null if the state is gone. */
  private Map<String, AttributeValue> hold(StateId id, String token, String writable,
      BiFunction<StateId, ConditionalCheckFailedException, Map<String, AttributeValue>> itemAfter) {
    String hold = "SET #hold = :token, #until = :until";
    long deadline = deadline();
    while (true) {
      try {
        return calls.call("hold " + StoreMessages.shortened(id), () -> calls.client().updateItem(b -> b
            .tableName(calls.table())
            .key(Items.stateKey(id))
            .updateExpression(hold)
            .conditionExpression(writable)
            .expressionAttributeNames(attributeNames(hold, writable))
            .expressionAttributeValues(Map.of(":token", text(token), ":now", number(System.currentTimeMillis()),
                ":until", number(System.currentTimeMillis() + holdTime.toMillis())))
            .returnValues(ReturnValue.ALL_NEW)
            .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
            .overrideConfiguration(calls.timeout()))).attributes();
      } catch (ConditionalCheckFailedException e) {
        if (itemAfter.apply(id, e) == null) {
          return null;
        }
        await(id, deadline);
      }
    }
  }

  private void release(StateId id, String token) {
    String update = "REMOVE #hold, #until";
    try {
      calls.call("release " + StoreMessages.shortened(id), () -> calls.client().updateItem(b -> b
          .tableName(calls.table())
          .key(Items.stateKey(id))
          .updateExpression(update)
          .conditionExpression(MINE)
          .expressionAttributeNames(attributeNames(update, MINE))
          .expressionAttributeValues(Map.of(":token", text(token)))
          .overrideConfiguration(calls.timeout())));
    } catch (ConditionalCheckFailedException e) {
      // the hold expired already
    }
  }
}
