package dev.reactserver.state.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.reactserver.state.dynamodb.DynamoDbStore;
import dev.reactserver.state.postgres.PostgresStore;
import dev.reactserver.state.redis.RedisStore;
import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StateLimitException;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.StoreUnavailableException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.thymeleaf.autoconfigure.ThymeleafAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;
import org.thymeleaf.ITemplateEngine;

/** Every condition of the auto-configuration, on the real stores. */
class StateAutoConfigurationTest {

  private static final AutoConfigurations STATE = AutoConfigurations.of(StateAutoConfiguration.class,
      StateHealthAutoConfiguration.class);

  private final ApplicationContextRunner plain = new ApplicationContextRunner().withConfiguration(STATE);
  private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(STATE);

  @Test
  void theDefaultIsTheInMemoryStoreWithThePropertiesOptions() {
    plain.withPropertyValues("reactserver.state.idle-client-timeout=5m").run(context -> {
      assertThat(context).hasNotFailed();
      Store store = context.getBean(Store.class);
      assertThat(store).isInstanceOf(InMemoryStore.class);
      assertThat(store.toString()).contains("end after PT5M");
    });
    plain.withPropertyValues("reactserver.state.idle-client-timeout=0", "reactserver.state.max-states=1")
        .run(context -> {
          Store store = context.getBean(Store.class);
          assertThat(store.toString()).contains("never end");
          store.getState(1, StateId.of("a", "b"));
          assertThrows(StateLimitException.class,
              () -> store.getState(1, StateId.of("a", "c")));
        });
  }

  @Test
  void theApplicationsOwnStoreWins() {
    plain.withUserConfiguration(OwnStore.class).withPropertyValues("reactserver.state.store=redis")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(Store.class)).isSameAs(context.getBean(OwnStore.class).store);
        });
  }

  @Test
  void redisIsBuiltFromItsPropertiesAndClosedWithTheContext() {
    String prefix = "starter" + UUID.randomUUID().toString().substring(0, 8);
    RedisStore[] built = new RedisStore[1];
    plain.withPropertyValues("reactserver.state.store=redis", "reactserver.state.redis.uri=" + TestServers.redisUri(),
        "reactserver.state.redis.prefix=" + prefix, "reactserver.state.redis.command-timeout=1s").run(context -> {
          assertThat(context).hasNotFailed();
          RedisStore store = context.getBean(RedisStore.class);
          built[0] = store;
          assertThat(store.prefix()).isEqualTo(prefix);
          StateContext ctx = StateContext.of(store).withClient("c1");
          ShopStates.bind(ctx, new Shop()).incrementItems(2);
          assertThat(ShopStates.bind(ctx, new Shop()).getItems()).isEqualTo(2);
        });
    assertThrows(RuntimeException.class,
        () -> built[0].hasState(StateId.of("a", "b")), "the store was closed with the context");
  }

  @Test
  void postgresIsBuiltFromItsUrl() {
    String[] db = TestServers.postgres();
    plain.withPropertyValues("reactserver.state.store=postgres", "reactserver.state.postgres.url=" + db[0],
        "reactserver.state.postgres.username=" + db[1], "reactserver.state.postgres.password=" + db[2],
        "reactserver.state.postgres.schema=starter_url", "reactserver.state.postgres.pool-size=2").run(context -> {
          assertThat(context).hasNotFailed();
          PostgresStore store = context.getBean(PostgresStore.class);
          assertThat(store.schema()).isEqualTo("starter_url");
          StateContext ctx = StateContext.of(store).withClient("c-" + UUID.randomUUID());
          assertThat(ShopStates.bind(ctx, new Shop()).incrementItems(3)).isEqualTo(3);
        });
  }

  @Test
  void postgresUsesTheApplicationsDataSourceWhenNoUrlIsSet() {
    plain.withUserConfiguration(ApplicationDataSource.class)
        .withPropertyValues("reactserver.state.store=postgres", "reactserver.state.postgres.schema=starter_ds")
        .run(context -> {
          assertThat(context).hasNotFailed();
          PostgresStore store = context.getBean(PostgresStore.class);
          assertThat(store.schema()).isEqualTo("starter_ds");
          StateContext ctx = StateContext.of(store).withClient("c-" + UUID.randomUUID());
          assertThat(ShopStates.bind(ctx, new Shop()).incrementItems(4)).isEqualTo(4);
          HikariDataSource pool = context.getBean(HikariDataSource.class);
          assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isGreaterThanOrEqualTo(1);
        });
  }

  @Test
  void postgresWithoutADatabaseFailsSayingWhatToSet() {
    plain.withPropertyValues("reactserver.state.store=postgres").run(context -> {
      assertThat(context).hasFailed();
      FailureAnalysis analysis = analysis(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("reactserver.state.postgres.url is not set");
      assertThat(analysis.getAction()).contains("spring.datasource.url");
    });
  }

  @Test
  void dynamoDbIsBuiltFromItsProperties() {
    String table = "starter-" + UUID.randomUUID().toString().substring(0, 8);
    plain.withPropertyValues("reactserver.state.store=dynamodb", "reactserver.state.dynamodb.table=" + table,
        "reactserver.state.dynamodb.endpoint=" + TestServers.dynamoDbEndpoint(),
        "reactserver.state.dynamodb.region=us-east-1", "reactserver.state.dynamodb.access-key-id=local",
        "reactserver.state.dynamodb.secret-access-key=local", "reactserver.state.dynamodb.serverless=true")
        .run(context -> {
          assertThat(context).hasNotFailed();
          DynamoDbStore store = context.getBean(DynamoDbStore.class);
          StateContext ctx = StateContext.of(store).withClient("c-" + UUID.randomUUID());
          assertThat(ShopStates.bind(ctx, new Shop()).incrementItems(5)).isEqualTo(5);
          assertThat(ShopStates.bind(ctx, new Shop()).getItems()).isEqualTo(5);
          assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().contains(table));
        });
  }

  @Test
  void dynamoDbWithoutARegionOrCredentialsFailsSayingWhichPropertiesToSet() {
    // The build cuts the SDK's chains off from the machine (pom.xml); a developer's AWS variables would not be.
    for (String name : List.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_PROFILE")) {
      assumeTrue(System.getenv(name) == null, name + " is set: the SDK would find a region or credentials");
    }
    String endpoint = "reactserver.state.dynamodb.endpoint=" + TestServers.dynamoDbEndpoint();
    plain.withPropertyValues("reactserver.state.store=dynamodb", endpoint).run(context -> {
      assertThat(context).hasFailed();
      FailureAnalysis analysis = analysis(context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("the DynamoDB store has no AWS region");
      assertThat(analysis.getAction()).contains("Set reactserver.state.dynamodb.region");
    });
    plain.withPropertyValues("reactserver.state.store=dynamodb", endpoint, "reactserver.state.dynamodb.region=us-east-1")
        .run(context -> {
          assertThat(context).hasFailed();
          FailureAnalysis analysis = analysis(context.getStartupFailure());
          assertThat(analysis.getDescription()).contains("the DynamoDB store has no AWS credentials");
          assertThat(analysis.getAction()).contains("reactserver.state.dynamodb.access-key-id");
        });
    plain.withPropertyValues("reactserver.state.store=dynamodb", endpoint, "reactserver.state.dynamodb.region=us-east-1",
        "reactserver.state.dynamodb.access-key-id=local").run(context -> {
          assertThat(context).hasFailed();
          assertThat(analysis(context.getStartupFailure()).getDescription()).contains("only one of them is set");
        });
  }

  @Test
  void aServerStoreWhoseModuleIsMissingFailsNamingTheDependency() {
    plain.withClassLoader(new FilteredClassLoader(RedisStore.class))
        .withPropertyValues("reactserver.state.store=redis").run(context -> {
          assertThat(context).hasFailed();
          FailureAnalysis analysis = analysis(context.getStartupFailure());
          assertThat(analysis.getDescription()).contains("dev.reactserver:reactserver-state-redis is not on the"
              + " class path");
          assertThat(analysis.getAction()).contains("Add the dependency dev.reactserver:reactserver-state-redis");
        });
    plain.withClassLoader(new FilteredClassLoader(PostgresStore.class))
        .withPropertyValues("reactserver.state.store=postgres").run(context -> {
          assertThat(context).hasFailed();
          assertThat(analysis(context.getStartupFailure()).getAction())
              .contains("dev.reactserver:reactserver-state-postgres");
        });
    plain.withClassLoader(new FilteredClassLoader(DynamoDbStore.class))
        .withPropertyValues("reactserver.state.store=dynamodb").run(context -> {
          assertThat(context).hasFailed();
          assertThat(analysis(context.getStartupFailure()).getAction())
              .contains("dev.reactserver:reactserver-state-dynamodb");
        });
  }

  @Test
  void anUnknownStoreFailsAtStartup() {
    plain.withPropertyValues("reactserver.state.store=cassandra").run(context -> {
      assertThat(context).hasFailed();
      assertThat(rootCause(context.getStartupFailure()).getMessage()).contains("cassandra");
    });
  }

  @Test
  void aWebApplicationGetsTheRequestSide() {
    web.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(ClientIds.class);
      assertThat(context).hasSingleBean(RequestStateContexts.class);
      assertThat(context).hasSingleBean(LiveUpdates.class);
      assertThat(context.getBean(FilterRegistrationBean.class).getFilter()).isInstanceOf(StateClientFilter.class);
      assertThat(context.getBean(StateUserResolver.class)).isInstanceOf(SpringSecurityUserResolver.class);
    });
    plain.run(context -> {
      assertThat(context).doesNotHaveBean(ClientIds.class);
      assertThat(context).doesNotHaveBean(LiveUpdates.class);
      assertThat(context).doesNotHaveBean(StateUserResolver.class);
    });
  }

  @Test
  void withoutSpringSecurityTheUserIsTheServletPrincipal() {
    web.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class)).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(StateUserResolver.class)).isInstanceOf(ServletPrincipalUserResolver.class);
    });
  }

  @Test
  void liveTemplatesComeWithThymeleafInAServletApplicationAndNotWithout() {
    AutoConfigurations thymeleaf = AutoConfigurations.of(
        ThymeleafAutoConfiguration.class,
        StateThymeleafAutoConfiguration.class);
    web.withConfiguration(thymeleaf).run(context -> assertThat(context).hasSingleBean(LiveTemplates.class));
    web.withConfiguration(thymeleaf).withClassLoader(new FilteredClassLoader(ITemplateEngine.class))
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(LiveTemplates.class);
        });
    plain.withConfiguration(thymeleaf).run(context -> assertThat(context).doesNotHaveBean(LiveTemplates.class));
  }

  @Test
  void theApplicationsOwnUserResolverAndClientIdsWin() {
    web.withUserConfiguration(OwnUsers.class).run(context -> {
      assertThat(context.getBean(StateUserResolver.class)).isSameAs(OwnUsers.RESOLVER);
      assertThat(context.getBean(ClientIds.class)).isSameAs(OwnUsers.IDS);
    });
  }

  @Test
  void clientIdsAreSignedWithTheConfiguredSecretOrOneKeyKeptInTheStore() {
    String secret = "s".repeat(ClientIds.MIN_KEY_BYTES);
    web.withPropertyValues("reactserver.state.client.secret=" + secret).run(first -> {
      String cookie = first.getBean(ClientIds.class).issue();
      assertThat(new ClientIds(secret.getBytes(StandardCharsets.UTF_8)).idOf(cookie)).isNotNull();
      assertThat(first.getBean(Store.class).hasState(StateAutoConfiguration.CLIENT_KEY_STATE)).isFalse();
    });
    web.withPropertyValues("reactserver.state.client.secret=too-short").run(context -> {
      assertThat(context).hasFailed();
      assertThat(rootCause(context.getStartupFailure()).getMessage()).contains("at least 32 bytes");
    });
    // Two nodes of one Redis: an id issued by one is recognized by the other.
    String prefix = "keys" + UUID.randomUUID().toString().substring(0, 8);
    String[] issued = new String[1];
    web.withPropertyValues("reactserver.state.store=redis", "reactserver.state.redis.uri=" + TestServers.redisUri(),
        "reactserver.state.redis.prefix=" + prefix).run(a -> {
          issued[0] = a.getBean(ClientIds.class).issue();
          assertThat(a.getBean(ClientIds.class).idOf(issued[0])).isNotNull();
        });
    web.withPropertyValues("reactserver.state.store=redis", "reactserver.state.redis.uri=" + TestServers.redisUri(),
        "reactserver.state.redis.prefix=" + prefix).run(b ->
            assertThat(b.getBean(ClientIds.class).idOf(issued[0])).isNotNull());
  }

  @Test
  void healthIsUpWhileTheStoreAnswersAndDownWhenItDoesNot() {
    plain.run(context -> {
      Health health = context.getBean(StoreHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsKey("store");
    });
    plain.withUserConfiguration(UnavailableStore.class).run(context -> {
      Health health = context.getBean(StoreHealthIndicator.class).health();
      assertThat(health.getStatus()).isEqualTo(Status.DOWN);
      assertThat(health.getDetails().get("error").toString()).contains("StoreUnavailableException");
    });
    plain.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
        .run(context -> assertThat(context).doesNotHaveBean(StoreHealthIndicator.class));
  }

  private static FailureAnalysis analysis(Throwable failure) {
    FailureAnalysis analysis = new StoreSetupFailureAnalyzer().analyze(failure);
    assertThat(analysis).isNotNull();
    return analysis;
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnStore {
    final InMemoryStore store = new InMemoryStore();

    @Bean
    Store myStore() {
      return store;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnUsers {
    static final StateUserResolver RESOLVER = request -> "always-ada";
    static final ClientIds IDS = new ClientIds(new byte[ClientIds.MIN_KEY_BYTES]);

    @Bean
    StateUserResolver users() {
      return RESOLVER;
    }

    @Bean
    ClientIds ids() {
      return IDS;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ApplicationDataSource {
    @Bean(destroyMethod = "close")
    HikariDataSource dataSource() {
      String[] db = TestServers.postgres();
      HikariDataSource pool = new HikariDataSource();
      pool.setJdbcUrl(db[0]);
      pool.setUsername(db[1]);
      pool.setPassword(db[2]);
      pool.setMaximumPoolSize(3);
      return pool;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UnavailableStore {
    @Bean
    Store store() {
      return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(),
          new Class<?>[] {Store.class}, (proxy, method, args) -> {
            if (method.getName().equals("toString")) {
              return "UnavailableStore";
            }
            throw new StoreUnavailableException("the test store is down", null);
          });
    }
  }
}
