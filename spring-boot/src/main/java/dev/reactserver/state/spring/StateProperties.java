package dev.reactserver.state.spring;

import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The "reactserver.state.*" properties. */
@ConfigurationProperties("reactserver.state")
public class StateProperties {

  /** Where states live: "memory" (this JVM only), "redis", "postgres" or "dynamodb". */
  private StoreType store = StoreType.MEMORY;

  /**
   * How long a client may go unseen (no request, no open live stream) before its states are ended;
   * "0" keeps them until the client is ended explicitly.
   */
  private Duration idleClientTimeout = Duration.ofMinutes(30);

  /** At most this many states in the in-memory store (then creating one fails); 0 for no cap. */
  private long maxStates;

  private final Redis redis = new Redis();
  private final Postgres postgres = new Postgres();
  private final DynamoDb dynamodb = new DynamoDb();
  private final Client client = new Client();
  private final Live live = new Live();

  /** The stores the starter can configure. */
  public enum StoreType {
    /** "InMemoryStore": built in, states live in this JVM. */
    MEMORY,
    /** "RedisStore", from "reactserver-state-redis". */
    REDIS,
    /** "PostgresStore", from "reactserver-state-postgres". */
    POSTGRES,
    /** "DynamoDbStore", from "reactserver-state-dynamodb". */
    DYNAMODB
  }

  public StoreType getStore() {
    return store;
  }

  public void setStore(StoreType store) {
    this.store = store;
  }

  public Duration getIdleClientTimeout() {
    return idleClientTimeout;
  }

  public void setIdleClientTimeout(Duration idleClientTimeout) {
    this.idleClientTimeout = idleClientTimeout;
  }

  public long getMaxStates() {
    return maxStates;
  }

  public void setMaxStates(long maxStates) {
    this.maxStates = maxStates;
  }

  public Redis getRedis() {
    return redis;
  }

  public Postgres getPostgres() {
    return postgres;
  }

  public DynamoDb getDynamodb() {
    return dynamodb;
  }

  public Client getClient() {
    return client;
  }

  public Live getLive() {
    return live;
  }

  /** "reactserver.state.redis.*": used when "store=redis". */
  public static class Redis {

    /** The Redis server, e.g. "redis://redis.internal:6379/0". */
    private String uri = "redis://localhost:6379";

    /** Prefix of every key and of the change channel, so that applications can share one Redis. */
    private String prefix = "state";

    /** How long a call may take before it fails with StoreUnavailableException. */
    private Duration commandTimeout = Duration.ofSeconds(2);

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public String getPrefix() {
      return prefix;
    }

    public void setPrefix(String prefix) {
      this.prefix = prefix;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }
  }

  /** "reactserver.state.postgres.*": used when "store=postgres". */
  public static class Postgres {

    /**
     * JDBC URL of a database for a connection pool of the store's own; when unset, the store uses the
     * application's DataSource bean.
     */
    private String url;

    /** User of "url". */
    private String username;

    /** Password of "url". */
    private String password;

    /** Schema of the store's table, function and change channel. */
    private String schema = "reactserver_state";

    /** Whether the store creates its schema on first use. */
    private boolean createSchema = true;

    /** Size of the store's own pool (with "url"); one connection listens for changes. */
    private int poolSize = 10;

    /** How long a call may take before it fails with StoreUnavailableException. */
    private Duration commandTimeout = Duration.ofSeconds(2);

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getUsername() {
      return username;
    }

    public void setUsername(String username) {
      this.username = username;
    }

    public String getPassword() {
      return password;
    }

    public void setPassword(String password) {
      this.password = password;
    }

    public String getSchema() {
      return schema;
    }

    public void setSchema(String schema) {
      this.schema = schema;
    }

    public boolean isCreateSchema() {
      return createSchema;
    }

    public void setCreateSchema(boolean createSchema) {
      this.createSchema = createSchema;
    }

    public int getPoolSize() {
      return poolSize;
    }

    public void setPoolSize(int poolSize) {
      this.poolSize = poolSize;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }
  }

  /** "reactserver.state.dynamodb.*": used when "store=dynamodb". */
  public static class DynamoDb {

    /** The table; created on first use (on-demand capacity, stream, TTL) unless "create-table=false". */
    private String table = "reactserver-state";

    /** Another endpoint than the region's, e.g. "http://localhost:8000" for a local server. */
    private URI endpoint;

    /** The AWS region, e.g. "eu-west-1"; when unset, the SDK's chain (AWS_REGION, a profile; Lambda sets it). */
    private String region;

    /**
     * Static credentials with "secret-access-key" (any for a local server); when unset, the SDK's chain
     * (environment, profile, container or instance role, the Lambda role).
     */
    private String accessKeyId;

    /** The secret of "access-key-id". */
    private String secretAccessKey;

    /** Whether the store creates the table if it is missing; otherwise it only checks it. */
    private boolean createTable = true;

    /** Whether the store reads the table's stream, so that listeners hear every instance's writes. */
    private boolean changes = true;

    /** For AWS Lambda and runtimes that freeze between invocations: no thread at all (no stream, no sweep). */
    private boolean serverless;

    /** How long a call may take, the SDK's retries included, before it fails with StoreUnavailableException. */
    private Duration commandTimeout = Duration.ofSeconds(2);

    public String getTable() {
      return table;
    }

    public void setTable(String table) {
      this.table = table;
    }

    public URI getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(URI endpoint) {
      this.endpoint = endpoint;
    }

    public String getRegion() {
      return region;
    }

    public void setRegion(String region) {
      this.region = region;
    }

    public String getAccessKeyId() {
      return accessKeyId;
    }

    public void setAccessKeyId(String accessKeyId) {
      this.accessKeyId = accessKeyId;
    }

    public String getSecretAccessKey() {
      return secretAccessKey;
    }

    public void setSecretAccessKey(String secretAccessKey) {
      this.secretAccessKey = secretAccessKey;
    }

    public boolean isCreateTable() {
      return createTable;
    }

    public void setCreateTable(boolean createTable) {
      this.createTable = createTable;
    }

    public boolean isChanges() {
      return changes;
    }

    public void setChanges(boolean changes) {
      this.changes = changes;
    }

    public boolean isServerless() {
      return serverless;
    }

    public void setServerless(boolean serverless) {
      this.serverless = serverless;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }
  }

  /** "reactserver.state.client.*": the cookie that carries each browser's client id. */
  public static class Client {

    /** Name of the cookie. */
    private String cookieName = "reactserver-client";

    /**
     * How long the browser keeps the cookie; unset: until the browser closes (a session cookie).
     */
    private Duration cookieMaxAge;

    /**
     * Key (at least 32 characters) that signs client ids, the same on every node; unset: a random key
     * kept in the store, shared by every node of that store.
     */
    private String secret;

    public String getCookieName() {
      return cookieName;
    }

    public void setCookieName(String cookieName) {
      this.cookieName = cookieName;
    }

    public Duration getCookieMaxAge() {
      return cookieMaxAge;
    }

    public void setCookieMaxAge(Duration cookieMaxAge) {
      this.cookieMaxAge = cookieMaxAge;
    }

    public String getSecret() {
      return secret;
    }

    public void setSecret(String secret) {
      this.secret = secret;
    }
  }

  /** "reactserver.state.live.*": state changes streamed to browsers as Server-Sent Events. */
  public static class Live {

    /**
     * How often an idle stream is checked: a comment goes out twice per period, which finds a closed
     * connection within one period, and the client is touched once.
     */
    private Duration heartbeat = Duration.ofSeconds(15);

    /**
     * How many threads render and send live events for every stream of the node; "0": twice the
     * available processors, at least 4. The number does not grow with the number of streams.
     */
    private int senders = 0;

    /**
     * How long a client's states outlive its last stream: a reload or a second tab within this time
     * keeps them; "0" never ends clients (the idle timeout still does).
     */
    private Duration endClientAfter = Duration.ofSeconds(30);

    public Duration getHeartbeat() {
      return heartbeat;
    }

    public void setHeartbeat(Duration heartbeat) {
      this.heartbeat = heartbeat;
    }

    public Duration getEndClientAfter() {
      return endClientAfter;
    }

    public int getSenders() {
      return senders;
    }

    public void setSenders(int senders) {
      this.senders = senders;
    }

    public void setEndClientAfter(Duration endClientAfter) {
      this.endClientAfter = endClientAfter;
    }
  }
}
