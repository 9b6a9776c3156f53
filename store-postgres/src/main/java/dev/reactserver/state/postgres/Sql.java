package dev.reactserver.state.postgres;

import java.util.List;

/**
 * Every statement of the PostgreSQL store, for one schema.
 *
 * <p>Ids may be far longer than an index entry (about 2.7 kB), so rows are found by a SHA-256 digest of
 * scope and key (the primary key, with the full text stored and compared), scopes by a hash index, and
 * owner scopes by their digests. A statement about one state takes its scope and key as its first two
 * parameters ({@code target}).
 */
final class Sql {

  /** NOTIFY takes 8000 bytes; a longer change message goes to the change log and is named by its number. */
  static final int MAX_NOTIFY_BYTES = 7_900;
  /** How many expired states one sweeping statement deletes at most. */
  static final int SWEEP_BATCH = 1_000;
  /** The columns of the states table. */
  static final List<String> COLUMNS =
      List.of("id", "scope", "key", "value", "version", "declaration", "type", "owners", "expires_at");

  final String schema;
  final String channel;
  final String createSchema;
  final String load;
  final String value;
  final String state;
  final String valueForUpdate;
  final String set;
  final String compareAndSet;
  final String addInt;
  final String addLong;
  final String addDouble;
  final String insert;
  final String exists;
  final String delete;
  final String deleteScope;
  final String deleteOwner;
  final String deleteExpired;
  final String expired;
  final String deleteExpiredState;
  final String endScopes;
  final String list;
  final String listScope;
  final String touch;
  final String redeclare;
  final String logged;
  final String columns;

  Sql(String schema) {
    this.schema = schema;
    this.channel = schema + "_changes";
    String table = "\"" + schema + "\".states";
    String log = "\"" + schema + "\".changes";
    String digest = "\"" + schema + "\".digest";
    String stateId = "\"" + schema + "\".state_id";
    String tell = "\"" + schema + "\".tell";
    String publish = "\"" + schema + "\".publish";
    this.createSchema = """
        CREATE SCHEMA IF NOT EXISTS "%1$s";
        CREATE OR REPLACE FUNCTION %3$s(t text) RETURNS bytea
          LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT sha256(convert_to(t, 'UTF8')) $$;
        CREATE OR REPLACE FUNCTION %4$s(s text, k text) RETURNS bytea
          LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT %3$s(length(s) || ':' || s || k) $$;
        CREATE TABLE IF NOT EXISTS %2$s (
          id bytea GENERATED ALWAYS AS (%4$s(scope, key)) STORED PRIMARY KEY,
          scope text NOT NULL,
          key text NOT NULL,
          value text NOT NULL,
          version bigint NOT NULL,
          declaration text NOT NULL,
          type text NOT NULL,
          owners bytea[] NOT NULL,
          expires_at timestamptz);
        CREATE INDEX IF NOT EXISTS states_scope ON %2$s USING hash (scope);
        CREATE INDEX IF NOT EXISTS states_owners ON %2$s USING gin (owners);
        CREATE INDEX IF NOT EXISTS states_expires_at ON %2$s (expires_at) WHERE expires_at IS NOT NULL;
        CREATE TABLE IF NOT EXISTS %5$s (
          seq bigserial PRIMARY KEY,
          message text NOT NULL,
          written_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS changes_written_at ON %5$s (written_at);
        CREATE OR REPLACE FUNCTION %6$s(message text) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
          logged bigint;
        BEGIN
          IF octet_length(message) > %9$d THEN
            INSERT INTO %5$s (message) VALUES (message) RETURNING seq INTO logged;
            DELETE FROM %5$s WHERE written_at < now() - interval '1 hour';
            message := json_build_object('l', logged)::text;
          END IF;
          PERFORM pg_notify('%8$s', message);
        END $$;
        CREATE OR REPLACE FUNCTION %7$s(s text, k text, o text, n text, d boolean, c text, t text)
        RETURNS void LANGUAGE sql AS $$
          SELECT %6$s(json_build_object('s', s, 'k', k, 'o', o, 'n', n, 'd', d, 'c', c, 't', t)::text)
        $$;
        """.formatted(schema, table, digest, stateId, log, tell, publish, channel, MAX_NOTIFY_BYTES);
    String target = "WITH target AS (SELECT ?::text AS scope, ?::text AS key)";
    String matches = matches("s", stateId);
    this.load = """
        WITH input AS (
          SELECT * FROM unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
            AS i(ord, scope, key, value, declaration, type, owners, idle)
        ), touched AS (
          UPDATE %1$s SET expires_at = now() + ? * interval '1 millisecond'
          WHERE owners && ARRAY(SELECT %2$s(o) FROM unnest(?::text[]) AS o) AND expires_at IS NOT NULL
        ), inserted AS (
          INSERT INTO %1$s (scope, key, value, version, declaration, type, owners, expires_at)
          SELECT scope, key, value, 1, declaration, type,
                 ARRAY(SELECT %2$s(o) FROM json_array_elements_text(owners::json) AS o),
                 CASE WHEN idle > 0 THEN now() + idle * interval '1 millisecond' END
          FROM input
          ON CONFLICT (id) DO NOTHING
          RETURNING scope, key, value, version, declaration, type
        )
        SELECT coalesce(n.value, s.value), coalesce(n.version, s.version),
               coalesce(n.declaration, s.declaration), coalesce(n.type, s.type)
        FROM input i
        LEFT JOIN inserted n ON n.scope = i.scope AND n.key = i.key
        LEFT JOIN %1$s s ON s.id = %3$s(i.scope, i.key) AND s.scope = i.scope AND s.key = i.key
        ORDER BY i.ord""".formatted(table, digest, stateId);
    this.value = target + " SELECT s.value FROM target JOIN " + table + " s ON " + matches;
    this.valueForUpdate = value + " FOR UPDATE OF s";
    this.state = target + " SELECT s.value, s.version, s.declaration, s.type FROM target JOIN " + table + " s ON "
        + matches;
    this.exists = target + " SELECT 1 FROM target JOIN " + table + " s ON " + matches;
    this.set = write(table, stateId, publish, "?", "");
    this.compareAndSet = write(table, stateId, publish, "?", " AND s.version = ?");
    this.addInt = addInteger(table, stateId, publish, "int");
    this.addLong = addInteger(table, stateId, publish, "bigint");
    this.addDouble = write(table, stateId, publish, "(s.value::float8 + ?::float8)::text", "");
    this.insert = """
        INSERT INTO %1$s (scope, key, value, version, declaration, type, owners, expires_at)
        VALUES (?, ?, ?, 1, ?, ?, ARRAY(SELECT %2$s(o) FROM unnest(?::text[]) AS o),
                CASE WHEN ? > 0 THEN now() + ? * interval '1 millisecond' END)
        ON CONFLICT (id) DO NOTHING""".formatted(table, digest);
    this.delete = deleteWhere(table, publish, target + ",", "USING target WHERE " + matches);
    this.deleteScope = deleteWhere(table, publish, "WITH", "WHERE s.scope = ?");
    this.deleteOwner = deleteWhere(table, publish, "WITH", "WHERE s.owners @> ARRAY[" + digest + "(?)]");
    String expiredRows = "SELECT id FROM " + table + " WHERE expires_at < now() LIMIT " + SWEEP_BATCH;
    this.deleteExpired = deleteWhere(table, publish, "WITH", "WHERE s.id IN (" + expiredRows + ")");
    this.expired = "SELECT scope, key FROM " + table + " WHERE expires_at < now() LIMIT " + SWEEP_BATCH;
    this.deleteExpiredState =
        deleteWhere(table, publish, target + ",", "USING target WHERE " + matches + " AND s.expires_at < now()");
    // A scope ends once it holds no state: expiry may remove some states of a scope before others.
    this.endScopes = "SELECT " + tell + "(json_build_object('s', e, 'e', true)::text) FROM unnest(?::text[]) AS e"
        + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE scope = e)";
    this.list = "SELECT scope, key, value, version, declaration, type FROM " + table;
    this.listScope = list + " WHERE scope = ?";
    this.touch = "UPDATE " + table + " SET expires_at = now() + ? * interval '1 millisecond'"
        + " WHERE owners @> ARRAY[" + digest + "(?)] AND expires_at IS NOT NULL";
    this.redeclare = target + " UPDATE " + table + " s SET declaration = ?, type = ? FROM target WHERE " + matches
        + " AND s.version = ?";
    this.logged = "SELECT message FROM " + log + " WHERE seq = ?";
    this.columns = "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = 'states'"
        + " ORDER BY ordinal_position";
  }

  /** The condition that row {@code alias} is the state of {@code target}. */
  private static String matches(String alias, String stateId) {
    return "%1$s.id = %2$s(target.scope, target.key) AND %1$s.scope = target.scope AND %1$s.key = target.key"
        .formatted(alias, stateId);
  }

  /**
   * Sets a state's value to {@code expression} (over the row {@code s}) and publishes the change, in one
   * statement; parameters: scope, key, the expression's, and any of {@code condition}. Returns the old
   * and new value and the version, or no row if the state does not exist (or the condition fails).
   */
  private static String write(String table, String stateId, String publish, String expression, String condition) {
    return """
        WITH target AS (SELECT ?::text AS scope, ?::text AS key),
        old AS (SELECT s.value FROM target JOIN %1$s s ON %5$s FOR UPDATE OF s),
        written AS (
          UPDATE %1$s s SET value = %3$s, version = s.version + 1 FROM old, target
          WHERE %5$s%4$s
          RETURNING s.scope, s.key, old.value AS old_value, s.value, s.version, s.declaration, s.type)
        SELECT old_value, value, version, %2$s(scope, key, old_value, value, false, declaration, type)
        FROM written""".formatted(table, publish, expression, condition, matches("s", stateId));
  }

  /**
   * Adds to an integer state and publishes the change, in one statement without locking the row first
   * (the old value is the new one minus the delta, exactly); parameters: scope, key, delta, delta.
   */
  private static String addInteger(String table, String stateId, String publish, String type) {
    return """
        WITH target AS (SELECT ?::text AS scope, ?::text AS key),
        written AS (
          UPDATE %1$s s SET value = (s.value::%3$s + ?::%3$s)::text, version = s.version + 1 FROM target
          WHERE %4$s
          RETURNING s.scope, s.key, s.value, s.version, s.declaration, s.type)
        SELECT old_value, value, version, %2$s(scope, key, old_value, value, false, declaration, type)
        FROM (SELECT *, (value::bigint - ?::bigint)::text AS old_value FROM written) w"""
        .formatted(table, publish, type, matches("s", stateId));
  }

  /**
   * Deletes the rows {@code s} that {@code condition} names (after the common table expressions that
   * {@code with} opens) and publishes each deletion; returns the scope of each.
   */
  private static String deleteWhere(String table, String publish, String with, String condition) {
    return """
        %3$s deleted AS (DELETE FROM %1$s s %4$s RETURNING s.scope, s.key, s.value, s.declaration, s.type)
        SELECT scope, %2$s(scope, key, value, null, true, declaration, type) FROM deleted"""
        .formatted(table, publish, with, condition);
  }
}
