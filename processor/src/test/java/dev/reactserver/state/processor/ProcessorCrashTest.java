package dev.reactserver.state.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.reactserver.state.processor.Sources.source;
import static dev.reactserver.state.processor.WrappedEnvironment.forwarding;

import com.google.testing.compile.Compilation;
import dev.reactserver.state.processor.WrappedEnvironment.Interceptor;
import dev.reactserver.state.processor.diagnostics.Messages;
import javax.annotation.processing.ProcessingEnvironment;
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
    WrappedEnvironment processor = new WrappedEnvironment(env -> {
      // Looking up the name of Boom's accessor class fails, as a compiler bug might.
      Elements failing = forwarding(Elements.class, env.getElementUtils(), (method, args) -> {
        if (method.getName().equals("getTypeElement") && args.length == 1
            && "test.BoomStates".contentEquals((CharSequence) args[0])) {
          throw new IllegalStateException("injected failure");
        }
        return Interceptor.FORWARD;
      });
      return forwarding(ProcessingEnvironment.class, env,
          (method, args) -> method.getName().equals("getElementUtils") ? failing : Interceptor.FORWARD);
    });
    Compilation compilation = javac().withProcessors(processor).compile(boom, fine);
    assertThat(compilation).hadErrorContaining(Messages.PROCESSOR_CRASH).inFile(boom).onLineContaining("public class Boom");
    assertThat(compilation).hadErrorContaining(
        "reactserver-state's StateProcessor failed unexpectedly on test.Boom; please report this");
    assertThat(compilation).hadErrorContaining("java.lang.IllegalStateException: injected failure");
    assertThat(compilation).hadErrorCount(1);
  }
}
