package dev.reactserver.state.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.reactserver.state.processor.Sources.source;

import com.google.testing.compile.Compilation;
import dev.reactserver.state.processor.diagnostics.Messages;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** An unexpected exception inside the processor becomes a compile error on the component. */
class ProcessorCrashTest {

  @Test
  void unexpectedExceptionIsAnErrorOnTheComponentWithTheStackTrace() {
    JavaFileObject boom = source("test.Boom",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Boom {",
        "  @State int count;",
        "}");
    JavaFileObject fine = source("test.Fine",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Fine {",
        "  @State int count;",
        "}");
    Compilation compilation = javac().withProcessors(new FailingOn("test.BoomStates")).compile(boom, fine);
    assertThat(compilation).hadErrorContaining(Messages.PROCESSOR_CRASH).inFile(boom).onLineContaining("public class Boom");
    assertThat(compilation).hadErrorContaining(
        "reactserver-state's StateProcessor failed unexpectedly on test.Boom; please report this");
    assertThat(compilation).hadErrorContaining("java.lang.IllegalStateException: injected failure");
    assertThat(compilation).hadErrorCount(1);
  }

  /** Runs the real processor in an environment whose element lookup fails for one name. */
  private static final class FailingOn extends AbstractProcessor {
    private final String failingName;
    private final StateProcessor delegate = new StateProcessor();

    FailingOn(String failingName) {
      this.failingName = failingName;
    }

    @Override
    public synchronized void init(ProcessingEnvironment env) {
      super.init(env);
      Elements elements = env.getElementUtils();
      Elements failing = proxy(Elements.class, elements, (name, args) ->
          name.equals("getTypeElement") && args.length == 1 && failingName.contentEquals((CharSequence) args[0]));
      delegate.init(proxy(ProcessingEnvironment.class, env, (name, args) -> false, "getElementUtils", failing));
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

  private interface Trigger {
    boolean fails(String method, Object[] args);
  }

  private static <T> T proxy(Class<T> type, T target, Trigger trigger) {
    return proxy(type, target, trigger, null, null);
  }

  /** {@code target}, except that calls {@code trigger} picks throw, and {@code replaced} returns {@code replacement}. */
  private static <T> T proxy(Class<T> type, T target, Trigger trigger, String replaced, Object replacement) {
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
      Object[] arguments = args == null ? new Object[0] : args;
      if (method.getName().equals(replaced)) {
        return replacement;
      }
      if (trigger.fails(method.getName(), arguments)) {
        throw new IllegalStateException("injected failure");
      }
      try {
        return method.invoke(target, arguments);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }));
  }
}
