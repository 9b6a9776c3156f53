package dev.reactserver.state.postgres;

/** Every statement of the PostgreSQL store, for one schema. */
final class Sql {

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
  final String endScopes;
  final String list;
  final String listScope;
  final String touch;
  final String redeclare;

  Sql(String schema) {
    this.schema = schema;
    this.channel = schema + "_changes";
    String table = "\"" + schema + "\".states";
    String publish = "\"" + schema + "\".publish";
    this.createSchema = """
        CREATE SCHEMA IF NOT EXISTS "%1$s";
        CREATE TABLE IF NOT EXISTS %2$s (
          scope text NOT NULL,
          key text NOT NULL,
          value text NOT NULL,
          version bigint NOT NULL,
          declaration text NOT NULL,
          type text NOT NULL,
          owners text[] NOT NULL,
          expires_at timestamptz,
          PRIMARY KEY (scope, key));
        CREATE INDEX IF NOT EXISTS states_owners ON %2$s USING gin (owners);
        CREATE INDEX IF NOT EXISTS states_expires_at ON %2$s (expires_at) WHERE expires_at IS NOT NULL;
        CREATE OR REPLACE FUNCTION %3$s(s text, k text, o text, n text, d boolean, c text, t text)
        RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
          payload text := json_build_object('s', s, 'k', k, 'o', o, 'n', n, 'd', d, 'c', c, 't', t)::text;
        BEGIN
          IF octet_length(payload) > 7900 THEN -- NOTIFY takes 8000 bytes: receivers read the value
            payload := json_build_object('s', s, 'k', k, 'd', d, 'c', c, 't', t, 'r', true)::text;
          END IF;
          PERFORM pg_notify('%4$s', payload);
        END $$;
        """.formatted(schema, table, publish, channel);
    this.load = """
        WITH input AS (
          SELECT * FROM unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
            AS i(ord, scope, key, value, declaration, type, owners, idle)
        ), touched AS (
          UPDATE %1$s SET expires_at = now() + ? * interval '1 millisecond'
          WHERE owners && ?::text[] AND expires_at IS NOT NULL
        ), inserted AS (
          INSERT INTO %1$s (scope, key, value, version, declaration, type, owners, expires_at)
          SELECT scope, key, value, 1, declaration, type, ARRAY(SELECT json_array_elements_text(owners::json)),
                 CASE WHEN idle > 0 THEN now() + idle * interval '1 millisecond' END
          FROM input
          ON CONFLICT (scope, key) DO NOTHING
          RETURNING scope, key, value, version, declaration, type
        )
        SELECT coalesce(n.value, s.value), coalesce(n.version, s.version),
               coalesce(n.declaration, s.declaration), coalesce(n.type, s.type)
        FROM input i
        LEFT JOIN inserted n ON n.scope = i.scope AND n.key = i.key
        LEFT JOIN %1$s s ON s.scope = i.scope AND s.key = i.key
        ORDER BY i.ord""".formatted(table);
    this.value = "SELECT value FROM " + table + " WHERE scope = ? AND key = ?";
    this.valueForUpdate = value + " FOR UPDATE";
    this.state = "SELECT value, version, declaration, type FROM " + table + " WHERE scope = ? AND key = ?";
    this.set = write(table, publish, "?", "");
    this.compareAndSet = write(table, publish, "?", " AND t.version = ?");
    this.addInt = addInteger(table, publish, "int");
    this.addLong = addInteger(table, publish, "bigint");
    this.addDouble = write(table, publish, "(t.value::float8 + ?::float8)::text", "");
    this.insert = """
        INSERT INTO %1$s (scope, key, value, version, declaration, type, owners, expires_at)
        VALUES (?, ?, ?, 1, ?, ?, ?::text[], CASE WHEN ? > 0 THEN now() + ? * interval '1 millisecond' END)
        ON CONFLICT (scope, key) DO NOTHING""".formatted(table);
    this.exists = "SELECT 1 FROM " + table + " WHERE scope = ? AND key = ?";
    this.delete = deleteWhere(table, publish, "scope = ? AND key = ?");
    this.deleteScope = deleteWhere(table, publish, "scope = ?");
    this.deleteOwner = deleteWhere(table, publish, "owners @> ARRAY[?]::text[]");
    this.deleteExpired = deleteWhere(table, publish, "expires_at < now()");
    // A scope ends once it holds no state: expiry may remove some states of a scope before others.
    this.endScopes = "SELECT pg_notify('" + channel + "', json_build_object('s', s, 'e', true)::text)"
        + " FROM unnest(?::text[]) AS s WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE scope = s)";
    this.list = "SELECT scope, key, value, version, declaration, type FROM " + table;
    this.listScope = list + " WHERE scope = ?";
    this.touch = "UPDATE " + table + " SET expires_at = now() + ? * interval '1 millisecond'"
        + " WHERE owners @> ARRAY[?]::text[] AND expires_at IS NOT NULL";
    this.redeclare = "UPDATE " + table + " SET declaration = ?, type = ? WHERE scope = ? AND key = ? AND version = ?";
  }

  /**
   * Sets a state's value to {@code expression} and publishes the change, in one statement; parameters:
   * scope, key, the expression's, and any of {@code condition}. Returns the old and new value and the
   * version, or no row if the state does not exist (or the condition fails).
   */
  private static String write(String table, String publish, String expression, String condition) {
    return """
        WITH old AS (SELECT value FROM %1$s WHERE scope = ? AND key = ? FOR UPDATE),
        written AS (
          UPDATE %1$s t SET value = %3$s, version = t.version + 1 FROM old
          WHERE t.scope = ? AND t.key = ?%4$s
          RETURNING t.scope, t.key, old.value AS old_value, t.value, t.version, t.declaration, t.type)
        SELECT old_value, value, version, %2$s(scope, key, old_value, value, false, declaration, type)
        FROM written""".formatted(table, publish, expression, condition);
  }

  /**
   * Adds to an integer state and publishes the change, in one statement without locking the row first
   * (the old value is the new one minus the delta, exactly); parameters: delta, scope, key, delta.
   */
  private static String addInteger(String table, String publish, String type) {
    return """
        WITH written AS (
          UPDATE %1$s t SET value = (t.value::%3$s + ?::%3$s)::text, version = t.version + 1
          WHERE t.scope = ? AND t.key = ?
          RETURNING t.scope, t.key, t.value, t.version, t.declaration, t.type)
        SELECT old_value, value, version, %2$s(scope, key, old_value, value, false, declaration, type)
        FROM (SELECT *, (value::bigint - ?::bigint)::text AS old_value FROM written) w"""
        .formatted(table, publish, type);
  }

  /** Deletes states and publishes each deletion; returns the scope of each. */
  private static String deleteWhere(String table, String publish, String condition) {
    return """
        WITH deleted AS (DELETE FROM %1$s WHERE %3$s RETURNING scope, key, value, declaration, type)
        SELECT scope, %2$s(scope, key, value, null, true, declaration, type) FROM deleted"""
        .formatted(table, publish, condition);
  }
}
