package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.spi.ResolvedScopes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When this node last renewed each client's expiry on the server: at most four renewals per idle
 * timeout and client, so that binding stays one round trip almost always.
 */
final class ClientTouches {

  private static final int PURGE_ABOVE = 10_000;

  private final long idleMillis;
  private final ConcurrentHashMap<String, Long> lastTouched = new ConcurrentHashMap<>();
  private volatile long lastPurge;

  ClientTouches(long idleMillis) {
    this.idleMillis = idleMillis;
  }

  /** The client owner scopes among the seeds' owners whose renewal is due now. */
  List<String> due(List<StateSeed> seeds) {
    if (idleMillis == 0) {
      return List.of();
    }
    List<String> due = List.of();
    for (StateSeed seed : seeds) {
      for (String owner : seed.owners()) {
        if (ResolvedScopes.isClient(owner) && !due.contains(owner) && due(owner)) {
          if (due.isEmpty()) {
            due = new ArrayList<>(1);
          }
          due.add(owner);
        }
      }
    }
    return due;
  }

  /** Whether the renewal of {@code client} is due; if so, it counts as renewed now. */
  boolean due(String client) {
    long now = System.currentTimeMillis();
    Long last = lastTouched.get(client);
    if (last != null && now - last < idleMillis / 4) {
      return false;
    }
    lastTouched.put(client, now);
    purge(now);
    return true;
  }

  void forget(String client) {
    lastTouched.remove(client);
  }

  private void purge(long now) {
    if (lastTouched.size() > PURGE_ABOVE && now - lastPurge > idleMillis / 4) {
      lastPurge = now;
      lastTouched.values().removeIf(last -> now - last >= idleMillis);
    }
  }
}
