package dev.reactserver.state.runtime;

import java.util.Objects;

/**
 * One successful write of a state, as told to {@link StateListener}s: {@code set}, {@code update},
 * {@code increment…}, {@link Store#createState} over an existing state, or a deletion
 * ({@link Store#deleteState}, {@link Store#deleteScope}, {@link Store#endClient} …).
 *
 * @param id the state written
 * @param oldValue the value before the write
 * @param newValue the value after the write; {@code null} after a deletion
 * @param deleted whether the state was deleted (a handle on it starts again from its initial value)
 * @param <T> the type of the state's value
 */
public record StateChange<T>(StateId id, T oldValue, T newValue, boolean deleted) {

  public StateChange {
    Objects.requireNonNull(id, "id");
  }
}
