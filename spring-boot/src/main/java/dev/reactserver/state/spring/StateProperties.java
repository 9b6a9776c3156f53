package dev.reactserver.state.spring;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The "reactserver.state.*" properties. */
@ConfigurationProperties("reactserver.state")
public class StateProperties {

  /** Where states live: "memory" (this JVM only), "redis" or "postgres". */
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
  private final Client client = new Client();
  private final Live live = new Live();

  /** The stores the starter can configure. */
  public enum StoreType {
    /** "InMemoryStore": built in, states live in this JVM. */
    MEMORY,
    /** "RedisStore", from "reactserver-state-redis". */
    REDIS,
    /** "PostgresStore", from "reactserver-state-postgres". */
    POSTGRES
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
