package dev.reactserver.state.runtime;

/**
 * A client, user or component instance whose id was substituted into a resolved scope: the scopes to
 * remove when it ends.
 */
record ScopeOwner(ScopeTemplate.Placeholder kind, String id) {

  static ScopeOwner client(String id) {
    return new ScopeOwner(ScopeTemplate.Placeholder.CLIENT, id);
  }

  static ScopeOwner user(String id) {
    return new ScopeOwner(ScopeTemplate.Placeholder.USER, id);
  }

  static ScopeOwner component(String key) {
    return new ScopeOwner(ScopeTemplate.Placeholder.COMPONENT, key);
  }

  boolean isClient() {
    return kind == ScopeTemplate.Placeholder.CLIENT;
  }
}
