package dev.reactserver.state.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values by key, for the states of one scope: a small array while there are few (a scope usually holds
 * a handful, and an array costs 4 bytes a value where a hash map costs 40), a hash map beyond. Lookups
 * take no lock; changes must be made under one lock by the owner.
 *
 * @param <V> the values, which know their keys
 */
class KeyedTable<V extends KeyedTable.Keyed> {

  /** A value that knows its key. */
  interface Keyed {
    String key();
  }

  private static final int ARRAY_LIMIT = 8;
  private static final Keyed[] EMPTY = new Keyed[0];

  private volatile Keyed[] small = EMPTY;
  private volatile ConcurrentHashMap<String, V> large;

  /** The value of {@code key}, or null. */
  @SuppressWarnings("unchecked")
  final V find(String key) {
    for (Keyed value : small) {
      String candidate = value.key();
      if (candidate == key || candidate.equals(key)) {
        return (V) value;
      }
    }
    // A value moved to the map after the array above was read is found here.
    ConcurrentHashMap<String, V> map = large;
    return map == null ? null : map.get(key);
  }

  /** Adds a value whose key is absent; the caller holds the owner's lock. */
  final void add(V value) {
    ConcurrentHashMap<String, V> map = large;
    if (map != null) {
      map.put(value.key(), value);
      return;
    }
    Keyed[] array = small;
    if (array.length < ARRAY_LIMIT) {
      Keyed[] grown = Arrays.copyOf(array, array.length + 1);
      grown[array.length] = value;
      small = grown;
      return;
    }
    map = new ConcurrentHashMap<>();
    for (Keyed old : array) {
      map.put(old.key(), cast(old));
    }
    map.put(value.key(), value);
    large = map; // before emptying the array: a reader that misses in the array finds it in the map
    small = EMPTY;
  }

  /** Removes {@code value}; the caller holds the owner's lock. */
  final void remove(V value) {
    ConcurrentHashMap<String, V> map = large;
    if (map != null) {
      map.remove(value.key(), value);
      return;
    }
    Keyed[] array = small;
    for (int i = 0; i < array.length; i++) {
      if (array[i] == value) {
        Keyed[] shrunk = new Keyed[array.length - 1];
        System.arraycopy(array, 0, shrunk, 0, i);
        System.arraycopy(array, i + 1, shrunk, i, shrunk.length - i);
        small = shrunk.length == 0 ? EMPTY : shrunk;
        return;
      }
    }
  }

  /** Removes every value; the caller holds the owner's lock. */
  final void clear() {
    small = EMPTY;
    large = null;
  }

  final boolean isEmpty() {
    ConcurrentHashMap<String, V> map = large;
    return map == null ? small.length == 0 : map.isEmpty();
  }

  /** A snapshot of the values. */
  final List<V> values() {
    ConcurrentHashMap<String, V> map = large;
    if (map != null) {
      return new ArrayList<>(map.values());
    }
    List<V> values = new ArrayList<>(small.length);
    for (Keyed value : small) {
      values.add(cast(value));
    }
    return values;
  }

  @SuppressWarnings("unchecked")
  private V cast(Keyed value) {
    return (V) value;
  }
}
