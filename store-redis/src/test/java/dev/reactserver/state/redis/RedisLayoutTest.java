package dev.reactserver.state.redis;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateRef;
import dev.reactserver.state.runtime.internal.StateValues;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import dev.reactserver.state.runtime.spi.StateType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
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
      String hold = store.prefix() + "#hold:cart.$client(c1):it\\:ems";
      raw.sync().set(hold, "a node that died", SetArgs.Builder.px(500));

      items.set(4); // waits for the hold to expire

      assertThat(raw.sync().exists(hold)).isEqualTo(0L);
      assertThat(items.get()).isEqualTo(4);
    }
  }

  @Test
  void aWriteToAStateThatStaysHeldGivesUpNamingTheState() {
    try (RedisStore store = TestRedis.storeBuilder().commandTimeout(Duration.ofMillis(100)).build();
        StatefulRedisConnection<String, String> raw = TestRedis.client().connect(TestRedis.uri())) {
      StateRef<Integer> items = StateContext.of(store).withClient("c1").bind(ITEMS, 3);
      raw.sync().set(store.prefix() + "#hold:cart.$client(c1):it\\:ems", "an update that never ends");

      StateException e = assertThrows(StateException.class, () -> StateValues.addInt(items, 1));

      assertThat(e).hasMessageThat().contains("cart.$client(c1):it:ems");
      assertThat(e).hasMessageThat().contains("nothing was written");
      assertThat(items.get()).isEqualTo(3);
    }
  }

  @Test
  void prefixesAreCheckedSoThatApplicationsCannotOverlap() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RedisStore.builder("redis://localhost").prefix("a:b"));
    assertThat(e).hasMessageThat().contains("'a:b'");
  }
}
