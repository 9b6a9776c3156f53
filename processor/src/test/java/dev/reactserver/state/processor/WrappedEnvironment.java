package dev.reactserver.state.processor;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.function.UnaryOperator;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/** Runs the real {@link StateProcessor} in a processing environment a test has altered. */
final class WrappedEnvironment extends AbstractProcessor {

  /** Decides one call of a forwarding proxy; {@link #FORWARD} lets it through to the target. */
  interface Interceptor {
    Object FORWARD = new Object();

    Object intercept(Method method, Object[] args) throws Throwable;
  }

  private final UnaryOperator<ProcessingEnvironment> wrap;
  private final StateProcessor delegate = new StateProcessor();

  WrappedEnvironment(UnaryOperator<ProcessingEnvironment> wrap) {
    this.wrap = wrap;
  }

  /** A proxy of {@code type} that forwards every call to {@code target} unless {@code interceptor} answers it. */
  static <T> T forwarding(Class<T> type, T target, Interceptor interceptor) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
      Object[] arguments = args == null ? new Object[0] : args;
      Object answer = interceptor.intercept(method, arguments);
      if (answer != Interceptor.FORWARD) {
        return answer;
      }
      try {
        return method.invoke(target, arguments);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }));
  }

  @Override
  public synchronized void init(ProcessingEnvironment env) {
    super.init(env);
    delegate.init(wrap.apply(env));
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return delegate.getSupportedAnnotationTypes();
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return delegate.getSupportedSourceVersion();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    return delegate.process(annotations, round);
  }
}
