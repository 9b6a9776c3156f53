package dev.reactserver.state.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.reactserver.state.processor.Sources.source;
import static dev.reactserver.state.processor.WrappedEnvironment.forwarding;

import com.google.testing.compile.Compilation;
import dev.reactserver.state.processor.WrappedEnvironment.Interceptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.element.Element;
import org.junit.jupiter.api.Test;

/** Gradle's isolating mode needs exactly one originating element per generated file: the component. */
class OriginatingElementsTest {

  @Test
  void eachGeneratedFileHasItsComponentAsTheOnlyOriginatingElement() {
    List<String> created = new ArrayList<>();
    WrappedEnvironment processor = new WrappedEnvironment(env -> {
      Filer recording = forwarding(Filer.class, env.getFiler(), (method, args) -> {
        if (method.getName().equals("createSourceFile")) {
          created.add(args[0] + " <- " + Arrays.toString((Element[]) args[1]));
        }
        return Interceptor.FORWARD;
      });
      return forwarding(ProcessingEnvironment.class, env,
          (method, args) -> method.getName().equals("getFiler") ? recording : Interceptor.FORWARD);
    });
    Compilation compilation = javac().withProcessors(processor).compile(
        source("test.Base", "package test;", "import dev.reactserver.state.State;",
            "public class Base { @State public int items; }"),
        source("test.Sub", "package test;", "public class Sub extends Base {}"));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(created).containsExactly("test.BaseStates <- [test.Base]", "test.SubStates <- [test.Sub]");
  }
}
