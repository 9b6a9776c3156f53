package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.StateId;

/**
 * One state as the server holds it.
 *
 * @param id the state
 * @param value the encoded value ({@code "null"} for null)
 * @param version increases with every write; optimistic updates compare it
 * @param declaration the declaration it was created with, or {@code ""} (see {@link StateSeed})
 * @param type the boxed type name it was created with (see {@link StateSeed})
 */
public record StoredState(StateId id, String value, long version, String declaration, String type) {}
