package dev.reactserver.state.runtime;

import java.util.Arrays;

/**
 * Small immutable arrays replaced on every change (listeners, a scope's dependents): readers take no
 * lock, writers hold their owner's lock and publish a new array.
 */
final class CopyOnWrite {

  private CopyOnWrite() {}

  /** {@code array} with {@code added} at the end. */
  static <T> T[] append(T[] array, T added) {
    T[] grown = Arrays.copyOf(array, array.length + 1);
    grown[array.length] = added;
    return grown;
  }

  /** {@code array} without {@code removed} (by identity), or {@code empty} if nothing is left. */
  static <T> T[] remove(T[] array, T removed, T[] empty) {
    for (int i = 0; i < array.length; i++) {
      if (array[i] == removed) {
        if (array.length == 1) {
          return empty;
        }
        T[] shrunk = Arrays.copyOf(array, array.length - 1);
        System.arraycopy(array, i + 1, shrunk, i, shrunk.length - i);
        return shrunk;
      }
    }
    return array;
  }

  /** Both arrays, one after the other. */
  static <T> T[] concat(T[] first, T[] second) {
    if (second.length == 0) {
      return first;
    }
    if (first.length == 0) {
      return second;
    }
    T[] both = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, both, first.length, second.length);
    return both;
  }
}
