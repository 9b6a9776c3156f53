package dev.reactserver.state.runtime;

import dev.reactserver.state.runtime.scope.OwnerScopes;


/**
 * The states of one scope of an {@link InMemoryStore} (a {@link KeyedTable} of cells), its listeners,
 * and for the scope of a client, user or component instance the composite scopes that substituted its
 * id. Insertions, removals, listeners and dependents hold the monitor; lookups don't.
 */
final class Scope extends KeyedTable<Cell<?>> {

  static final Scope[] NONE = new Scope[0];

  final InMemoryStore store;
  final String name;
  /** For an owner scope ("$client(c-42)"), which kind; else null. */
  final OwnerScopes.Placeholder kind;
  /** The owner scopes whose ids this composite scope substituted; empty for the others. */
  final Scope[] owners;
  final boolean hasClient;
  /** Listeners of the whole scope; written under the monitor. */
  volatile Registration[] listeners = Registration.NONE;
  /** For an owner scope: the composite scopes that substituted its id; guarded by the monitor. */
  Scope[] dependents = NONE;
  /** For a client's owner scope: when the client was last seen. */
  volatile long lastSeenMillis;
  /** Set once the scope is unlinked from the store; guarded by the monitor. */
  boolean closed;

  Scope(InMemoryStore store, String name, Scope[] owners, OwnerScopes.Placeholder kind, long now) {
    this.store = store;
    this.name = name;
    this.kind = kind;
    this.owners = owners;
    boolean client = kind == OwnerScopes.Placeholder.CLIENT;
    for (Scope owner : owners) {
      client |= owner.kind == OwnerScopes.Placeholder.CLIENT;
    }
    this.hasClient = client;
    this.lastSeenMillis = now;
  }

  /** The label of the scope's states in metrics; computed, not kept: a scope's footprint counts per client. */
  ScopeKind scopeKind() {
    return kind != null ? ScopeKind.of(kind) : owners.length > 0 ? ScopeKind.COMPOSITE : ScopeKind.GLOBAL;
  }

  /** Whether nothing keeps the scope: no states, listeners or dependents. Call it under the monitor. */
  boolean isUnused() {
    return isEmpty() && listeners.length == 0 && dependents.length == 0;
  }

  void unsubscribe(Registration registration) {
    synchronized (this) {
      listeners = CopyOnWrite.remove(listeners, registration, Registration.NONE);
      if (listeners.length == 0) {
        for (Cell<?> cell : values()) {
          cell.unobserveIfUnwatched();
        }
        if (!closed && isUnused()) {
          store.close(this);
        }
      }
    }
  }
}
