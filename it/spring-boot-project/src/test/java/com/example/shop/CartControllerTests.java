package com.example.shop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.servlet.http.Cookie;
import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import redis.embedded.RedisServer;

/** The README's controller on each store the starter configures, with the versions Boot manages. */
class CartControllerTests {

  static RedisServer redis;
  static int redisPort;
  static EmbeddedPostgres postgres;

  @AfterAll
  static void stopServers() throws IOException {
    if (redis != null) {
      redis.stop();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  static void checkTheCart(MockMvc mvc) throws Exception {
    Cookie client = mvc.perform(post("/cart/items")).andExpect(content().string("1")).andReturn().getResponse()
        .getCookie("reactserver-client");
    assertThat(client).isNotNull();
    assertThat(client.isHttpOnly()).isTrue();
    mvc.perform(post("/cart/items").cookie(client)).andExpect(content().string("2"));
    mvc.perform(post("/cart/items")).andExpect(content().string("1")); // another client
    mvc.perform(post("/cart/visits").cookie(client)).andExpect(content().string("1"));
    mvc.perform(post("/cart/visits")).andExpect(content().string("2")); // shared by everybody
    mvc.perform(get("/cart/wishlist")).andExpect(content().json("[]"));
  }

  @Nested
  @SpringBootTest
  @AutoConfigureMockMvc
  class InMemory {
    @Autowired MockMvc mvc;

    @Test
    void theCartWorks() throws Exception {
      checkTheCart(mvc);
    }
  }

  @Nested
  @SpringBootTest(properties = "reactserver.state.store=redis")
  @AutoConfigureMockMvc
  class OnRedis {
    @Autowired MockMvc mvc;

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) throws IOException {
      if (redis == null) {
        try (ServerSocket socket = new ServerSocket(0)) {
          redisPort = socket.getLocalPort();
        }
        redis = new RedisServer(redisPort);
        redis.start();
      }
      registry.add("reactserver.state.redis.uri", () -> "redis://localhost:" + redisPort);
    }

    @Test
    void theCartWorks() throws Exception {
      checkTheCart(mvc);
    }
  }

  @Nested
  @SpringBootTest(properties = "reactserver.state.store=postgres")
  @AutoConfigureMockMvc
  class OnPostgres {
    @Autowired MockMvc mvc;

    @DynamicPropertySource
    static void postgres(DynamicPropertyRegistry registry) throws IOException {
      if (postgres == null) {
        postgres = EmbeddedPostgres.start();
      }
      registry.add("reactserver.state.postgres.url", () -> postgres.getJdbcUrl("postgres", "postgres"));
      registry.add("reactserver.state.postgres.username", () -> "postgres");
    }

    @Test
    void theCartWorks() throws Exception {
      checkTheCart(mvc);
    }
  }
}
