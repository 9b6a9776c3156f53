package dev.reactserver.state.redis;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import dev.reactserver.state.runtime.spi.StateValues;
import io.lettuce.core.KeyValue;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The documented key layout, read back with a plain Redis client. */
class RedisLayoutTest {

  private static final StateDeclaration<Integer> ITEMS =
      StateDeclaration.of("shop.Cart", "items", "it:ems", "cart.$client", StateType.of(int.class));

  @Test
  void aStateIsAHashUnderItsPrefixScopeAndKeyWithSeparatorsEscaped() {
    try (RedisStore store = TestRedis.storeBuilder().build();
        StatefulRedisConnection<String, String> raw = TestRedis.client().connect(TestRedis.uri())) {
      StateContext.of(store).withClient("c:1").bind(ITEMS, 3);

      Map<String, String> hash = raw.sync().hgetall(store.prefix() + ":cart.$client(c\\:1):it\\:ems");

      assertThat(hash).containsExactly("v", "3", "ver", "1",
          "c", "{\"v\":1,\"component\":\"shop.Cart\",\"field\":\"items\",\"type\":\"int\"}",
          "t", "java.lang.Integer");
      assertThat(raw.sync().smembers(store.prefix() + "#scope:cart.$client(c:1)")).containsExactly("it:ems");
      assertThat(raw.sync().smembers(store.prefix() + "#owner:$client(c:1)")).containsExactly("cart.$client(c:1)");
      // The client expires by the sweep (listeners hear it), 30 minutes from now by the server's clock.
      Double expiresAt = raw.sync().zscore(store.prefix() + "#clients", "$client(c:1)");
      assertThat(expiresAt).isGreaterThan((double) System.currentTimeMillis() + Duration.ofMinutes(29).toMillis());
      assertThat(store.states().keySet()).containsExactly(StateId.of("cart.$client(c:1)", "it:ems"));
    }
  }

  @Test
  void aHoldLeftByANodeThatDiedExpiresAndWritesGoOn() {
    try (RedisStore store = TestRedis.storeBuilder().commandTimeout(Duration.ofMillis(300)).build();
        StatefulRedisConnection<String, String> raw = TestRedis.client().connect(TestRedis.uri())) {
      StateRef<Integer> items = StateContext.of(store).withClient("c1").bind(ITEMS, 3);
      String key = store.prefix() + ":cart.$client(c1):it\\:ems";
      raw.sync().hset(key, Map.of("h", "a node that died", "hu", Long.toString(serverMillis(raw) + 500)));

      items.set(4); // waits for the hold to run out

      assertThat(raw.sync().hmget(key, "h", "hu").stream().anyMatch(KeyValue::hasValue)).isFalse();
      assertThat(items.get()).isEqualTo(4);
    }
  }

  @Test
  void aWriteToAStateThatStaysHeldGivesUpNamingTheState() {
    try (RedisStore store = TestRedis.storeBuilder().commandTimeout(Duration.ofMillis(100)).build();
        StatefulRedisConnection<String, String> raw = TestRedis.client().connect(TestRedis.uri())) {
      StateRef<Integer> items = StateContext.of(store).withClient("c1").bind(ITEMS, 3);
      raw.sync().hset(store.prefix() + ":cart.$client(c1):it\\:ems",
          Map.of("h", "an update that never ends", "hu", Long.toString(serverMillis(raw) + 3_600_000)));

      StateException e = assertThrows(StateException.class, () -> StateValues.addInt(items, 1));

      assertThat(e).hasMessageThat().contains("cart.$client(c1):it:ems");
      assertThat(e).hasMessageThat().contains("nothing was written");
      assertThat(items.get()).isEqualTo(3);
    }
  }

  /** The server's clock, which holds are timed by. */
  private static long serverMillis(StatefulRedisConnection<String, String> raw) {
    List<String> time = raw.sync().time();
    return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
  }

  @Test
  void prefixesAreCheckedSoThatApplicationsCannotOverlap() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RedisStore.builder("redis://localhost").prefix("a:b"));
    assertThat(e).hasMessageThat().contains("'a:b'");
  }
}
