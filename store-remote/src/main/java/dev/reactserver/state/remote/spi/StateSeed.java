package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.StateId;
import java.util.List;

/**
 * What a server needs to create a state that does not exist yet.
 *
 * @param id the state
 * @param initial the initial value, encoded
 * @param declaration the declaring field in its stored form (a versioned JSON object of component, field
 *     and type), or {@code ""} for a state created without a declaration
 * @param type the boxed name of the declared type, or of the initial value's class without a declaration
 * @param owners the owner scopes substituted into the scope (see {@code ResolvedScopes.owners})
 * @param idleMillis how long the state lives without its client being seen; 0 for no client or no expiry
 */
public record StateSeed(
    StateId id, String initial, String declaration, String type, List<String> owners, long idleMillis) {

  public StateSeed {
    owners = List.copyOf(owners);
  }
}
