package dev.reactserver.state;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field of a component class as server-side state.
 *
 * <p>The annotation processor generates a typed accessor class for every class with {@code @State}
 * fields ({@code Cart} gets {@code CartStates}). The field's value when the component is bound is the
 * state's initial value, used only when the state does not exist yet.
 *
 * <pre>{@code
 * public class Cart {
 *   @State(scope = Scopes.CLIENT) int items = 0;
 *   @State(key = "visits", scope = "shop") long visits = 0;
 * }
 * }</pre>
 *
 * <p>A state is identified by its {@linkplain #scope() scope} and {@linkplain #key() key}: two fields
 * (of any components) that name the same scope and key share one state.
 */
@Documented
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.CLASS)
public @interface State {

  /** The state's key within its scope; {@code ""} (the default) means the field's name. */
  String key() default "";

  /**
   * The scope template: {@link Scopes#COMPONENT} (the default), {@link Scopes#CLIENT},
   * {@link Scopes#USER}, {@link Scopes#GLOBAL}, any other name for one global scope of that name, or a
   * composite such as {@code "cart." + Scopes.CLIENT} in which every placeholder is substituted.
   */
  String scope() default Scopes.COMPONENT;
}
