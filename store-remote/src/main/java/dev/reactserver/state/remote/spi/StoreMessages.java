package dev.reactserver.state.remote.spi;

import dev.reactserver.state.runtime.StateException;
import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.StoreUnavailableException;

/** How server stores word their failures, the same for every server. */
public final class StoreMessages {

  private static final int SHOWN_ID_LENGTH = 200;

  private StoreMessages() {}

  /**
   * The server did not answer or failed: {@code "<server> is unavailable (<what>): <cause>"}.
   *
   * @param server names the server, e.g. {@code "PostgreSQL"} or {@code "Redis at localhost:6379"}
   * @param what what the call was doing, e.g. {@code "write shop:cart"}
   */
  public static StoreUnavailableException unavailable(String server, String what, Throwable cause) {
    return new StoreUnavailableException(server + " is unavailable (" + what + "): " + cause.getMessage(), cause);
  }

  /** The server answered with a refusal: {@code "<server> refused to <what>: <cause>"}. */
  public static StateException refused(String server, String what, Throwable cause) {
    return new StateException(server + " refused to " + what + ": " + cause.getMessage(), cause);
  }

  /** The id for a message or a log line: ids may be kilobytes long, so long ones are cut. */
  public static String shortened(StateId id) {
    String shown = id.toString();
    return shown.length() > SHOWN_ID_LENGTH
        ? shown.substring(0, SHOWN_ID_LENGTH) + "… (" + shown.length() + " characters)" : shown;
  }
}
