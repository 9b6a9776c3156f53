package dev.reactserver.state.redis;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateDeclaration;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateType;
import io.lettuce.core.api.StatefulRedisConnection;
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

      assertThat(hash).containsExactly("v", "3", "ver", "1", "c", "shop.Cart.items (int)", "t", "java.lang.Integer");
      assertThat(raw.sync().smembers(store.prefix() + "#scope:cart.$client(c:1)")).containsExactly("it:ems");
      assertThat(raw.sync().smembers(store.prefix() + "#owner:$client(c:1)")).containsExactly("cart.$client(c:1)");
      assertThat(raw.sync().pttl(store.prefix() + ":cart.$client(c\\:1):it\\:ems")).isGreaterThan(0L);
      assertThat(store.states().keySet()).containsExactly(StateId.of("cart.$client(c:1)", "it:ems"));
    }
  }

  @Test
  void prefixesAreCheckedSoThatApplicationsCannotOverlap() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RedisStore.builder("redis://localhost").prefix("a:b"));
    assertThat(e).hasMessageThat().contains("'a:b'");
  }
}
