package dev.reactserver.state.example;

import static com.google.common.truth.Truth.assertThat;

import dev.reactserver.state.runtime.InMemoryStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExampleMainTest {

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
