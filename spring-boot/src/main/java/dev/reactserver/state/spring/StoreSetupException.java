package dev.reactserver.state.spring;

/**
 * The configured store cannot be built: a module is missing or a property is. Spring Boot reports it at
 * startup with what is wrong and what to do ({@link StoreSetupFailureAnalyzer}).
 */
public final class StoreSetupException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String action;

  StoreSetupException(String description, String action) {
    this(description, action, null);
  }

  StoreSetupException(String description, String action, Throwable cause) {
    super(description + " " + action, cause);
    this.action = action;
  }

  /** What to do about it. */
  public String action() {
    return action;
  }

  /** What is wrong. */
  public String description() {
    return getMessage().substring(0, getMessage().length() - action.length() - 1);
  }

  static StoreSetupException missingModule(String store, String artifactId) {
    return new StoreSetupException("reactserver.state.store=" + store + " needs the " + store
        + " store, but dev.reactserver:" + artifactId + " is not on the class path.",
        "Add the dependency dev.reactserver:" + artifactId + " to the application, or set"
            + " reactserver.state.store to a store it has (memory needs nothing).");
  }
}
