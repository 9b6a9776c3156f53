package dev.reactserver.state.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts every write runs as, one round trip each: run by SHA, and sent again in full when the
 * server lost its script cache (a restart).
 */
final class Scripts {

  enum Script {
    LOAD, SET, CAS, ADD, PUT, DELETE, DELETE_SCOPE, END_OWNER, TOUCH, LIST, REDECLARE, HOLD, WRITE_HELD, SWEEP;

    final String text = read("prelude.lua") + "\n" + read(name().toLowerCase(java.util.Locale.ROOT) + ".lua");
    final String sha = sha1(text);
  }

  private Scripts() {}

  /** Loads every script into the server's cache, so that the first calls need no second round trip. */
  static int load(RedisCommands<String, String> redis) {
    for (Script script : Script.values()) {
      redis.scriptLoad(script.text);
    }
    return Script.values().length;
  }

  static <T> T run(RedisCommands<String, String> redis, Script script, ScriptOutputType output, String... args) {
    try {
      return redis.evalsha(script.sha, output, new String[0], args);
    } catch (RedisNoScriptException e) {
      return redis.eval(script.text, output, new String[0], args);
    }
  }

  private static String read(String name) {
    try (InputStream in = Scripts.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing script " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
