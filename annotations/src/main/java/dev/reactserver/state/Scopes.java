package dev.reactserver.state;

/**
 * The scope placeholders that {@link State#scope()} understands.
 *
 * <p>A placeholder is substituted when a component is bound to a context; it may stand alone or inside
 * a larger scope name ({@code "cart." + CLIENT}). Any other {@code $word} is a compile error.
 */
public final class Scopes {

  /** One state per connecting client: the client's unique id is substituted. */
  public static final String CLIENT = "$client";

  /** One state per component instance (the default): the component's unique key is substituted. */
  public static final String COMPONENT = "$component";

  /** One state per authenticated user: the user's id is substituted. */
  public static final String USER = "$user";

  /** One state shared by everybody. */
  public static final String GLOBAL = "$global";

  private Scopes() {}
}
