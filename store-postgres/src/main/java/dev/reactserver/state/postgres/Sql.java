package dev.reactserver.state.postgres;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every statement of the PostgreSQL store, for one schema.
 *
 * <p>Ids may be far longer than an index entry (about 2.7 kB), so rows are found by a SHA-256 digest of
 * scope and key (the primary key, with the full text stored and compared), scopes by a hash index, and
 * owner scopes by their digests. A statement about one state finds it by id ({@link StateIds}, computed by
 * the store as the generated column is), scope and key, in that order.
 */
final class Sql {

  /** The SQL state of a number out of its type's range. */
  static final String NUMERIC_VALUE_OUT_OF_RANGE = "22003";
  /** The SQL state of a text that is no number of the type it is read as. */
  static final String INVALID_TEXT_REPRESENTATION = "22P02";
  /** The SQL state of a statement that could not have a lock at once. */
  static final String LOCK_NOT_AVAILABLE = "55P03";
  /** NOTIFY takes 8000 bytes; a longer change message goes to the change log and is named by its number. */
  static final int MAX_NOTIFY_BYTES = 7_900;
  /** How many expired states one sweeping statement deletes at most. */
  static final int SWEEP_BATCH = 1_000;
  /** The columns of the states table that a table of any version of the store has. */
  static final List<String> COLUMNS =
      List.of("id", "scope", "key", "value", "version", "declaration", "type", "owners", "expires_at");
  /** The columns this version adds to a table an earlier version created ({@link #createSchema} adds them). */
  static final List<String> ADDED_COLUMNS = List.of("previous");

  final String schema;
  final String channel;
  final String createSchema;
  final String load;
  final String value;
  final String state;
  final String valueForUpdate;
  final String writeAll;
  /** {@link #writeOne}'s statements, by kind: skipping a row another transaction holds, and waiting for it. */
  private final Map<BatchedWrites.Kind, String> writeOneSkipping = new EnumMap<>(BatchedWrites.Kind.class);
  private final Map<BatchedWrites.Kind, String> writeOneWaiting = new EnumMap<>(BatchedWrites.Kind.class);
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
  final String functions;

  Sql(String schema) {
    this.schema = schema;
    this.channel = schema + "_changes";
    String table = "\"" + schema + "\".states";
    String log = "\"" + schema + "\".changes";
    String stateId = "\"" + schema + "\".state_id";
    String tell = "\"" + schema + "\".tell";
    String publish = "\"" + schema + "\".publish";
    this.createSchema = """
        CREATE SCHEMA IF NOT EXISTS "%1$s";
        CREATE OR REPLACE FUNCTION %3$s(s text, k text) RETURNS bytea
          LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT %9$s $$;
        CREATE TABLE IF NOT EXISTS %2$s (
          id bytea GENERATED ALWAYS AS (%3$s(scope, key)) STORED PRIMARY KEY,
          scope text NOT NULL,
          key text NOT NULL,
          value text NOT NULL,
          version bigint NOT NULL,
          declaration text NOT NULL,
          type text NOT NULL,
          owners bytea[] NOT NULL,
          expires_at timestamptz,
          previous text);
        ALTER TABLE %2$s ADD COLUMN IF NOT EXISTS previous text;
        CREATE INDEX IF NOT EXISTS states_scope ON %2$s USING hash (scope);
        CREATE INDEX IF NOT EXISTS states_owners ON %2$s USING gin (owners);
        CREATE INDEX IF NOT EXISTS states_expires_at ON %2$s (expires_at) WHERE expires_at IS NOT NULL;
        CREATE TABLE IF NOT EXISTS %4$s (
          seq bigserial PRIMARY KEY,
          message text NOT NULL,
          written_at timestamptz NOT NULL DEFAULT now());
        CREATE INDEX IF NOT EXISTS changes_written_at ON %4$s (written_at);
        CREATE OR REPLACE FUNCTION %5$s(message text) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
          logged bigint;
        BEGIN
          IF octet_length(message) > %8$d THEN
            INSERT INTO %4$s (message) VALUES (message) RETURNING seq INTO logged;
            DELETE FROM %4$s WHERE written_at < now() - interval '1 hour';
            message := json_build_object('l', logged)::text;
          END IF;
          PERFORM pg_notify('%7$s', message);
        END $$;
        CREATE OR REPLACE FUNCTION %6$s(s text, k text, o text, n text, d boolean, c text, t text)
        RETURNS void LANGUAGE sql AS $$
          SELECT %5$s(json_build_object('s', s, 'k', k, 'o', o, 'n', n, 'd', d, 'c', c, 't', t)::text)
        $$;
        """.formatted(schema, table, stateId, log, tell, publish, channel, MAX_NOTIFY_BYTES,
            stateIdOf("s", "k"))
        + writeAll(table, tell, "\"" + schema + "\".write_all", channel)
        + loadStates(table, "\"" + schema + "\".load_states");
    String row = "s.id = ? AND s.scope = ? AND s.key = ?";
    this.load = "SELECT * FROM \"" + schema + "\".load_states(?::text[], ?::text[], ?::text[], ?::text[], ?::text[],"
        + " ?::text[], ?::bigint[], ?::bigint, ?::text[])";
    this.value = "SELECT s.value FROM " + table + " s WHERE " + row;
    this.valueForUpdate = value + " FOR UPDATE";
    this.state = "SELECT s.value, s.version, s.declaration, s.type FROM " + table + " s WHERE " + row;
    this.exists = "SELECT 1 FROM " + table + " s WHERE " + row;
    this.writeAll = "SELECT ord, outcome, old_value, new_value, new_version FROM \"" + schema
        + "\".write_all(?::text[], ?::bytea[], ?::text[], ?::text[], ?::text[], ?::bigint[])";
    for (BatchedWrites.Kind kind : BatchedWrites.Kind.values()) {
      writeOneSkipping.put(kind, writeOne(table, tell, channel, kind, false));
      writeOneWaiting.put(kind, writeOne(table, tell, channel, kind, true));
    }
    this.insert = """
        INSERT INTO %1$s (scope, key, value, version, declaration, type, owners, expires_at)
        VALUES (?, ?, ?, 1, ?, ?, ARRAY(SELECT %2$s FROM unnest(?::text[]) AS o),
                CASE WHEN ? > 0 THEN now() + ? * interval '1 millisecond' END)
        ON CONFLICT (id) DO NOTHING""".formatted(table, digestOf("o"));
    this.delete = deleteWhere(table, publish, "WHERE " + row);
    this.deleteScope = deleteWhere(table, publish, "WHERE s.scope = ?");
    this.deleteOwner = deleteWhere(table, publish, "WHERE s.owners @> ARRAY[" + digestOf("?") + "]");
    String expiredRows = "SELECT id FROM " + table + " WHERE expires_at < now() LIMIT " + SWEEP_BATCH;
    this.deleteExpired = deleteWhere(table, publish, "WHERE s.id IN (" + expiredRows + ")");
    this.expired = "SELECT scope, key FROM " + table + " WHERE expires_at < now() LIMIT " + SWEEP_BATCH;
    this.deleteExpiredState = deleteWhere(table, publish, "WHERE " + row + " AND s.expires_at < now()");
    // A scope ends once it holds no state: expiry may remove some states of a scope before others.
    this.endScopes = "SELECT " + tell + "(json_build_object('s', e, 'e', true)::text) FROM unnest(?::text[]) AS e"
        + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE scope = e)";
    this.list = "SELECT scope, key, value, version, declaration, type FROM " + table;
    this.listScope = list + " WHERE scope = ?";
    this.touch = "UPDATE " + table + " SET expires_at = now() + ? * interval '1 millisecond'"
        + " WHERE owners @> ARRAY[" + digestOf("?") + "] AND expires_at IS NOT NULL";
    this.redeclare = "UPDATE " + table + " s SET declaration = ?, type = ? WHERE " + row + " AND s.version = ?";
    this.logged = "SELECT message FROM " + log + " WHERE seq = ?";
    this.functions = "SELECT to_regprocedure('\"" + schema + "\".write_all(text[], bytea[], text[], text[], text[], bigint[])')"
        + " IS NOT NULL AND to_regprocedure('\"" + schema + "\".load_states(text[], text[], text[], text[], text[],"
        + " text[], bigint[], bigint, text[])') IS NOT NULL";
    this.columns = "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = 'states'"
        + " ORDER BY ordinal_position";
  }

  /**
   * The function that runs several writes (set, compare-and-set, integer add) in one transaction and
   * tells all their changes in as few notifications as fit, each a JSON array of change messages in the
   * order written: a notifying transaction holds the server's notification queue lock from its commit
   * until the commit is on disk, so one notification per write would serialize every writer of the server.
   *
   * <p>A write whose row another transaction holds is left out ({@code busy}): a batch never waits for a
   * row, so it cannot deadlock, and a row held for long (an exclusive update, another node's commit)
   * delays only its own writes, which then run alone ({@link #writeOne}, waiting for the row).
   * Each write is a row {@code (ord, outcome, old_value, new_value, new_version)}, outcome one of
   * {@code written}, {@code missing} (no such state), {@code lost} (another version, or a sum the kind
   * cannot hold, or a value that is no integer) and {@code busy}.
   */
  private static String writeAll(String table, String tell, String name, String channel) {
    return """
        DROP FUNCTION IF EXISTS %2$s(text[], text[], text[], text[], bigint[], boolean);
        DROP FUNCTION IF EXISTS %2$s(text[], text[], text[], text[], bigint[]);
        CREATE OR REPLACE FUNCTION %2$s(kinds text[], ids bytea[], scopes text[], keys text[], args text[],
            versions bigint[])
        RETURNS TABLE (ord int, outcome text, old_value text, new_value text, new_version bigint)
        LANGUAGE plpgsql AS $$
        DECLARE
          found_row record;
          sum numeric;
          message text;
          pending text := '';
        BEGIN
          FOR i IN 1 .. coalesce(array_length(kinds, 1), 0) LOOP
            ord := i;
            old_value := null;
            new_value := null;
            new_version := null;
            SELECT s.ctid, s.value, s.version, s.declaration, s.type INTO found_row FROM %1$s s
            WHERE s.id = ids[i] AND s.scope = scopes[i] AND s.key = keys[i]
            FOR UPDATE SKIP LOCKED;
            IF NOT FOUND THEN
              PERFORM 1 FROM %1$s s
              WHERE s.id = ids[i] AND s.scope = scopes[i] AND s.key = keys[i];
              outcome := CASE WHEN FOUND THEN 'busy' ELSE 'missing' END;
              RETURN NEXT;
              CONTINUE;
            END IF;
            IF kinds[i] = 'set' OR (kinds[i] = 'cas' AND found_row.version = versions[i]) THEN
              new_value := args[i];
            ELSIF kinds[i] IN ('int', 'long') AND found_row.value ~ '^-?[0-9]{1,19}$' THEN
              sum := found_row.value::numeric + args[i]::numeric;
              IF kinds[i] = 'int' AND sum BETWEEN -2147483648 AND 2147483647
                  OR kinds[i] = 'long' AND sum BETWEEN -9223372036854775808 AND 9223372036854775807 THEN
                new_value := sum::text;
              END IF;
            END IF;
            IF new_value IS NULL THEN
              outcome := 'lost';
              RETURN NEXT;
              CONTINUE;
            END IF;
            -- the locked row's latest version, found again by its place (no second index lookup)
            UPDATE %1$s s SET previous = s.value, value = new_value, version = found_row.version + 1
            WHERE s.ctid = found_row.ctid;
            outcome := 'written';
            old_value := found_row.value;
            new_version := found_row.version + 1;
            message := json_build_object('s', scopes[i], 'k', keys[i], 'o', old_value, 'n', new_value, 'd', false,
                'c', found_row.declaration, 't', found_row.type)::text;
            IF pending <> '' AND octet_length(pending) + octet_length(message) + 2 > %4$d THEN
              PERFORM pg_notify('%5$s', '[' || pending || ']');
              pending := '';
            END IF;
            IF octet_length(message) + 2 > %4$d THEN
              PERFORM %3$s(message); -- alone, through the change log
            ELSIF pending = '' THEN
              pending := message;
            ELSE
              pending := pending || ',' || message;
            END IF;
            RETURN NEXT;
          END LOOP;
          IF pending <> '' THEN
            PERFORM pg_notify('%5$s', '[' || pending || ']');
          END IF;
        END $$;
        """.formatted(table, name, tell, MAX_NOTIFY_BYTES, channel);
  }

  /**
   * The statement of one write of {@code kind}, which {@link #writeAll} runs for many: a write that finds
   * no other in flight costs about what its own {@code UPDATE} costs: one index lookup of the row by the
   * id the store computes ({@link StateIds}), no function call, array, loop or row lock before the update,
   * and one {@code pg_notify}. The old value comes back through the column {@code previous}, set from the
   * row the update changes (a concurrent write cannot come between). One row {@code (old_value, new_value, new_version)}
   * if written, told in the same transaction; no row if not (no such state, another version, a sum out
   * of range).
   *
   * <p>Parameters, in the order they appear: the value ({@code set}, {@code cas}) or the delta; id, scope
   * and key; for {@code cas} the expected version, for {@code int} the delta again. Sums are {@code int8}
   * arithmetic: a value that is no integer or a {@code long} sum out of range fails the statement with
   * SQL state {@value #INVALID_TEXT_REPRESENTATION} or {@value #NUMERIC_VALUE_OUT_OF_RANGE}, which is a
   * lost write too.
   *
   * <p>Unless {@code waitForRow}, a row another transaction holds fails the statement at once (SQL state
   * {@value #LOCK_NOT_AVAILABLE}): the statement sets {@code lock_timeout} for its own transaction before
   * it reaches the row, as {@code SKIP LOCKED} would, which only a {@code SELECT} takes.
   */
  String writeOne(BatchedWrites.Kind kind, boolean waitForRow) {
    return (waitForRow ? writeOneWaiting : writeOneSkipping).get(kind);
  }

  private static String writeOne(String table, String tell, String channel, BatchedWrites.Kind kind,
      boolean waitForRow) {
    String value = switch (kind) {
      case SET, COMPARE_AND_SET -> "?";
      // a value that is no integer, or a long sum out of range, fails the statement (see writeOne)
      case ADD_INT, ADD_LONG -> "(s.value::int8 + ?)::text";
      // a sum out of range or a value that is no number fails the statement
      case ADD_DOUBLE -> "(s.value::float8 + ?::float8)::text";
    };
    String condition = switch (kind) {
      case SET, ADD_DOUBLE, ADD_LONG -> "";
      case COMPARE_AND_SET -> " AND s.version = ?";
      case ADD_INT -> " AND s.value::int8 + ? BETWEEN -2147483648 AND 2147483647";
    };
    String message = "json_build_object('s', s.scope, 'k', s.key, 'o', s.previous, 'n', s.value, 'd', false,"
        + " 'c', s.declaration, 't', s.type)::text";
    // A message surely short enough (JSON escapes a byte into at most 6) is notified; another is told by
    // the function that measures it and takes the change log if it must.
    String bytes = "octet_length(s.scope) + octet_length(s.key) + octet_length(s.previous) + octet_length(s.value)"
        + " + octet_length(s.declaration) + octet_length(s.type)";
    return """
        UPDATE %1$s s SET previous = s.value, value = %2$s, version = s.version + 1
        WHERE s.id = ?%3$s AND s.scope = ? AND s.key = ?%4$s
        RETURNING s.previous, s.value, s.version,
          CASE WHEN 6 * (%5$s) < %6$d THEN pg_notify('%7$s', %8$s) ELSE %9$s(%8$s) END""".formatted(table, value,
        waitForRow ? "" : " AND (SELECT set_config('lock_timeout', '1', true)) IS NOT NULL", condition, bytes,
        MAX_NOTIFY_BYTES - 100, channel, message, tell);
  }

  /**
   * The function that binds states: renews the expiry of the clients whose renewal is due, then, for each
   * seed in order, reads the state, or creates it from the seed if it does not exist (or reads what
   * another node created meanwhile). One row per seed: value, version, declaration and type. Its
   * statements are planned once per connection: planning the same work as one statement over arrays
   * took longer than running it.
   */
  private static String loadStates(String table, String name) {
    return """
        CREATE OR REPLACE FUNCTION %2$s(in_scopes text[], in_keys text[], in_initials text[],
            in_declarations text[], in_types text[], in_owners text[], in_idles bigint[], touch_idle bigint,
            touch_clients text[])
        RETURNS TABLE (found_value text, found_version bigint, found_declaration text, found_type text)
        LANGUAGE plpgsql SET plan_cache_mode = force_generic_plan AS $$
        DECLARE
          row_id bytea;
        BEGIN
          IF cardinality(touch_clients) > 0 THEN
            UPDATE %1$s s SET expires_at = now() + touch_idle * interval '1 millisecond'
            WHERE s.owners && ARRAY(SELECT %4$s FROM unnest(touch_clients) AS o) AND s.expires_at IS NOT NULL;
          END IF;
          FOR i IN 1 .. coalesce(cardinality(in_scopes), 0) LOOP
            row_id := %3$s;
            SELECT s.value, s.version, s.declaration, s.type
            INTO found_value, found_version, found_declaration, found_type
            FROM %1$s s WHERE s.id = row_id AND s.scope = in_scopes[i] AND s.key = in_keys[i];
            IF NOT FOUND THEN
              INSERT INTO %1$s AS s (scope, key, value, version, declaration, type, owners, expires_at)
              VALUES (in_scopes[i], in_keys[i], in_initials[i], 1, in_declarations[i], in_types[i],
                  ARRAY(SELECT %4$s FROM json_array_elements_text(in_owners[i]::json) AS o),
                  CASE WHEN in_idles[i] > 0 THEN now() + in_idles[i] * interval '1 millisecond' END)
              ON CONFLICT (id) DO NOTHING
              RETURNING s.value, s.version, s.declaration, s.type
              INTO found_value, found_version, found_declaration, found_type;
              IF NOT FOUND THEN -- another node created it after this function's first look
                SELECT s.value, s.version, s.declaration, s.type
                INTO found_value, found_version, found_declaration, found_type
                FROM %1$s s WHERE s.id = row_id AND s.scope = in_scopes[i] AND s.key = in_keys[i];
              END IF;
            END IF;
            RETURN NEXT;
          END LOOP;
        END $$;
        """.formatted(table, name, stateIdOf("in_scopes[i]", "in_keys[i]"), digestOf("o"));
  }

  /**
   * The primary key of the state of a scope and key: SHA-256 of {@code length(scope) ':' scope key} (the
   * length keeps {@code ("a:", "b")} and {@code ("a", ":b")} apart), as the function {@code state_id}
   * computes it for the generated key.
   */
  private static String stateIdOf(String scope, String key) {
    return digestOf("length(%1$s) || ':' || %1$s || %2$s".formatted(scope, key));
  }

  /**
   * The SHA-256 of a text, spelled out in each statement: a SQL function around it would have to be
   * declared immutable (for the generated key), which keeps the server from inlining its stable body,
   * and each call of a function that is not inlined costs more than the digest.
   */
  private static String digestOf(String text) {
    return "sha256(convert_to(" + text + ", 'UTF8'))";
  }

  /** Deletes the rows {@code s} that {@code condition} names and publishes each deletion; returns the scope of each. */
  private static String deleteWhere(String table, String publish, String condition) {
    return """
        WITH deleted AS (DELETE FROM %1$s s %3$s RETURNING s.scope, s.key, s.value, s.declaration, s.type)
        SELECT scope, %2$s(scope, key, value, null, true, declaration, type) FROM deleted"""
        .formatted(table, publish, condition);
  }
}
