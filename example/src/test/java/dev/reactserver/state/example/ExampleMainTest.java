package dev.reactserver.state.example;

import static com.google.common.truth.Truth.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.InMemoryStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExampleMainTest {

  @ParameterizedTest
  @ValueSource(strings = {"redis", "postgres", "dynamodb"})
  void runsOnASharedStoreWithOneFlagAndShowsASecondNode(String store) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExampleMain.run(ExampleStore.fromArguments("--store=" + store),
        new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("Ada / laptop / cart#1: items=2 ($client)  wishlist=[tea, scarf] ($user)"
        + "  note=\"gift wrap, please\" ($component)  visits=4 (shop)  dark=false (ui.$client)");
    assertThat(out).contains("Ada's laptop re-rendered for her wishlist: [[] -> [tea], [tea] -> [tea, scarf]]");
    assertThat(out).contains("Ada's phone disconnects: endClient(\"phone-1\") removed 2 states; 9 remain");
    assertThat(out).contains("node B, a second store instance on the same server: Ada's wishlist=[tea, scarf],"
        + " visits=5; heard visits [4 -> 5] written on node A");
  }

  @Test
  void namesItsStoreReadably() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExampleMain.run(ExampleStore.fromArguments(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .startsWith("store: InMemoryStore[0 states, idle clients end after PT30M]");
  }

  @Test
  void rejectsAnUnknownStore() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ExampleStore.fromArguments("--store=mongo"));
    assertThat(e).hasMessageThat().contains("use --store=memory|redis|postgres|dynamodb");
  }

  @Test
  void showsTheFourKindsOfScope() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ExampleMain.run(new InMemoryStore(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("Ada / laptop / cart#1: items=2 ($client)  wishlist=[tea, scarf] ($user)"
        + "  note=\"gift wrap, please\" ($component)  visits=4 (shop)  dark=false (ui.$client)");
    assertThat(out).contains("Ada / phone  / cart#1: items=1 ($client)  wishlist=[tea, scarf] ($user)"
        + "  note=\"gift wrap, please\" ($component)  visits=4 (shop)  dark=false (ui.$client)");
    assertThat(out).contains("Bob / laptop / cart#2: items=5 ($client)  wishlist=[bike] ($user)"
        + "  note=\"\" ($component)  visits=4 (shop)  dark=true (ui.$client)");
    assertThat(out).contains("  shop:visits = 4");
    assertThat(out).contains("Ada's laptop re-rendered for her wishlist: [[] -> [tea], [tea] -> [tea, scarf]]");
    assertThat(out).contains("Ada's phone disconnects: endClient(\"phone-1\") removed 2 states; 9 remain");
  }
}
