package dev.reactserver.state.spring;

import dev.reactserver.state.dynamodb.DynamoDbStore;
import dev.reactserver.state.postgres.PostgresStore;
import dev.reactserver.state.redis.RedisStore;
import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.Store;
import dev.reactserver.state.runtime.StoreMetrics;
import dev.reactserver.state.runtime.StoreOptions;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * One configuration per value of {@code reactserver.state.store}; each backs off when the application
 * declares a {@link Store} of its own. A server store whose module is missing fails at startup naming
 * the dependency to add.
 */
final class StoreConfigurations {

  private static final String PREFIX = "reactserver.state";

  private StoreConfigurations() {}

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Store.class)
  @ConditionalOnProperty(prefix = PREFIX, name = "store", havingValue = "memory", matchIfMissing = true)
  static class Memory {
    @Bean
    InMemoryStore stateStore(StateProperties properties, ObjectProvider<StoreMetrics> metrics) {
      StoreOptions.Builder options = StoreOptions.builder()
          .metrics(metrics.getIfUnique(() -> StoreMetrics.NONE));
      Duration idle = properties.getIdleClientTimeout();
      if (idle == null || idle.isZero()) {
        options.noIdleClientTimeout();
      } else {
        options.idleClientTimeout(idle);
      }
      if (properties.getMaxStates() > 0) {
        options.maxStates(properties.getMaxStates());
      }
      return new InMemoryStore(options.build());
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Store.class)
  @ConditionalOnProperty(prefix = PREFIX, name = "store", havingValue = "redis")
  @ConditionalOnClass(name = "dev.reactserver.state.redis.RedisStore")
  static class Redis {
    @Bean(destroyMethod = "close")
    RedisStore stateStore(StateProperties properties, ObjectProvider<StoreMetrics> metrics) {
      StateProperties.Redis redis = properties.getRedis();
      RedisStore.Builder builder = RedisStore.builder(redis.getUri()).prefix(redis.getPrefix())
          .commandTimeout(redis.getCommandTimeout());
      return ServerStoreOptions.apply(builder, properties, metrics).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Store.class)
  @ConditionalOnProperty(prefix = PREFIX, name = "store", havingValue = "postgres")
  @ConditionalOnClass(name = "dev.reactserver.state.postgres.PostgresStore")
  static class Postgres {
    @Bean(destroyMethod = "close")
    PostgresStore stateStore(StateProperties properties, ObjectProvider<DataSource> dataSources,
        ObjectProvider<StoreMetrics> metrics) {
      StateProperties.Postgres postgres = properties.getPostgres();
      PostgresStore.Builder builder;
      if (postgres.getUrl() != null && !postgres.getUrl().isBlank()) {
        builder = PostgresStore.builder(postgres.getUrl(), postgres.getUsername(), postgres.getPassword())
            .poolSize(postgres.getPoolSize());
      } else {
        DataSource dataSource = dataSources.getIfUnique();
        if (dataSource == null) {
          throw new StoreSetupException("reactserver.state.store=postgres needs a database, but"
              + " reactserver.state.postgres.url is not set and the application has no single DataSource"
              + " bean.", "Set reactserver.state.postgres.url (with .username and .password), or configure"
              + " the application's DataSource (spring.datasource.url).");
        }
        builder = PostgresStore.builder(dataSource);
      }
      builder.schema(postgres.getSchema()).createSchema(postgres.isCreateSchema())
          .commandTimeout(postgres.getCommandTimeout());
      return ServerStoreOptions.apply(builder, properties, metrics).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Store.class)
  @ConditionalOnProperty(prefix = PREFIX, name = "store", havingValue = "dynamodb")
  @ConditionalOnClass(name = "dev.reactserver.state.dynamodb.DynamoDbStore")
  static class DynamoDb {
    @Bean(destroyMethod = "close")
    DynamoDbStore stateStore(StateProperties properties, ObjectProvider<StoreMetrics> metrics) {
      StateProperties.DynamoDb dynamodb = properties.getDynamodb();
      DynamoDbStore.Builder builder = DynamoDbStore.builder(dynamodb.getTable())
          .createTable(dynamodb.isCreateTable()).changes(dynamodb.isChanges())
          .commandTimeout(dynamodb.getCommandTimeout());
      if (dynamodb.isServerless()) {
        builder.serverless();
      }
      if (dynamodb.getEndpoint() != null) {
        builder.endpoint(dynamodb.getEndpoint());
      }
      if (dynamodb.getRegion() != null && !dynamodb.getRegion().isBlank()) {
        builder.region(Region.of(dynamodb.getRegion()));
      }
      boolean hasKey = dynamodb.getAccessKeyId() != null && !dynamodb.getAccessKeyId().isBlank();
      if (hasKey != (dynamodb.getSecretAccessKey() != null && !dynamodb.getSecretAccessKey().isBlank())) {
        throw new StoreSetupException("reactserver.state.dynamodb.access-key-id and .secret-access-key go together,"
            + " but only one of them is set.", "Set both, or neither to use the AWS SDK's default credentials.");
      }
      if (hasKey) {
        builder.credentials(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(dynamodb.getAccessKeyId(), dynamodb.getSecretAccessKey())));
      }
      try {
        return ServerStoreOptions.apply(builder, properties, metrics).build();
      } catch (IllegalStateException setupMistake) { // no region or no credentials: what to set, as properties
        throw new StoreSetupException(setupMistake.getMessage(), "Set reactserver.state.dynamodb.region (e.g."
            + " eu-west-1), and give the application AWS credentials or set reactserver.state.dynamodb.access-key-id"
            + " and .secret-access-key; for a local server (reactserver.state.dynamodb.endpoint) any region and"
            + " any key will do.", setupMistake);
      }
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Store.class)
  @ConditionalOnProperty(prefix = PREFIX, name = "store", havingValue = "dynamodb")
  @ConditionalOnMissingClass("dev.reactserver.state.dynamodb.DynamoDbStore")
  static class DynamoDbMissing {
    @Bean
    Store stateStore() {
      throw StoreSetupException.missingModule("dynamodb", "reactserver-state-dynamodb");
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Store.class)
  @ConditionalOnProperty(prefix = PREFIX, name = "store", havingValue = "redis")
  @ConditionalOnMissingClass("dev.reactserver.state.redis.RedisStore")
  static class RedisMissing {
    @Bean
    Store stateStore() {
      throw StoreSetupException.missingModule("redis", "reactserver-state-redis");
    }
  }

  @Configuration(proxyBeanMethods = false)
  @ConditionalOnMissingBean(Store.class)
  @ConditionalOnProperty(prefix = PREFIX, name = "store", havingValue = "postgres")
  @ConditionalOnMissingClass("dev.reactserver.state.postgres.PostgresStore")
  static class PostgresMissing {
    @Bean
    Store stateStore() {
      throw StoreSetupException.missingModule("postgres", "reactserver-state-postgres");
    }
  }
}
