package dev.reactserver.state.redis;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.reactserver.state.tck.GrammarCases;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The Redis scripts' copy of key escaping and of the client owner scope follows the table the runtime
 * and the processor run: each row goes through the functions of {@code prelude.lua} on a real server.
 */
class LuaGrammarTest {

  private static final String PREFIX = "grammar";

  @Test
  void theScriptsEscapeKeysAsTheTableSays() throws IOException {
    assertThat(GrammarCases.keys()).isNotEmpty();
    for (GrammarCases.Key row : GrammarCases.keys()) {
      assertThat(eval("return state_key(ARGV[2], ARGV[3])", row.scope(), row.key()))
          .isEqualTo(PREFIX + ":" + row.storeKey());
    }
  }

  @Test
  void theScriptsTellClientOwnerScopesAsTheTableSays() throws IOException {
    for (GrammarCases.Owner row : GrammarCases.owners()) {
      assertWithMessage(row.ownerScope())
          .that(eval("return is_client(ARGV[2]) and 'true' or 'false'", row.ownerScope()))
          .isEqualTo(String.valueOf(row.isClient()));
    }
  }

  private static String eval(String body, String... args) throws IOException {
    String prelude;
    try (InputStream in = RedisStore.class.getResourceAsStream("prelude.lua")) {
      prelude = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String[] argv = new String[args.length + 1];
    argv[0] = PREFIX;
    System.arraycopy(args, 0, argv, 1, args.length);
    try (StatefulRedisConnection<String, String> connection = TestRedis.client().connect(TestRedis.uri())) {
      return connection.sync().eval(prelude + "\n" + body, ScriptOutputType.VALUE, new String[0], argv);
    }
  }
}
