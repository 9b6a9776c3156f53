package dev.reactserver.state.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.reactserver.state.processor.Sources.compile;
import static dev.reactserver.state.processor.Sources.source;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import com.google.testing.compile.JavaFileObjects;
import org.junit.jupiter.api.Test;

/** The generated source: golden files, determinism, clashes with user types, generics, deferral. */
class GenerationTest {

  private static final JavaFileObject CART = source("test.Cart",
      "package test;",
      "import dev.reactserver.state.Scopes;",
      "import dev.reactserver.state.State;",
      "import java.util.List;",
      "import java.util.Map;",
      "public class Cart {",
      "  @State(scope = Scopes.CLIENT) int items = 0;",
      "  @State(key = \"visits\", scope = \"shop\") long visits = 0;",
      "  @State double total;",
      "  @State(scope = Scopes.USER) Integer points;",
      "  @State boolean open;",
      "  @State boolean isGift;",
      "  @State char grade = 'A';",
      "  @State(key = \"note*/ \\\\u0041 @see <b>\", scope = \"cart.\" + Scopes.CLIENT) String note = \"\";",
      "  @State(scope = Scopes.USER) List<String> wishlist = List.of();",
      "  @State Map<String, List<Integer>> prices = Map.of();",
      "  @State int[] slots = new int[0];",
      "  @State List<? extends Number> scores = List.of();",
      "  @State List<String>[] pages;",
      "}");

  private static final JavaFileObject NESTED_GENERIC = source("test.Outer",
      "package test;",
      "import dev.reactserver.state.State;",
      "public class Outer {",
      "  public static class Box<T extends Comparable<T>> {",
      "    @State(scope = \"$global\") String label = \"box\";",
      "    T notState;",
      "  }",
      "}");

  @Test
  void goldenCartStates() {
    Compilation compilation = compile(CART);
    assertThat(compilation).succeededWithoutWarnings();
    assertGolden(generated(compilation, "test/CartStates"), "CartStates.java");
  }

  @Test
  void generatedLinesFitTheUsualWidthEvenForLongGenericTypes() {
    String source = generated(compile(CART), "test/CartStates");
    assertThat(source.lines().filter(line -> line.length() > 100).toList()).isEmpty();
  }

  @Test
  void goldenNestedGenericComponent() {
    Compilation compilation = compile(NESTED_GENERIC);
    assertThat(compilation).succeededWithoutWarnings();
    assertGolden(generated(compilation, "test/Outer_BoxStates"), "Outer_BoxStates.java");
  }

  @Test
  void goldenInheritedStates() {
    JavaFileObject base = source("test.Base",
        "package test;",
        "import dev.reactserver.state.Scopes;",
        "import dev.reactserver.state.State;",
        "public abstract class Base {",
        "  @State(scope = Scopes.CLIENT) public int items;",
        "}");
    JavaFileObject special = source("test.SpecialCart",
        "package test;",
        "import dev.reactserver.state.Scopes;",
        "import dev.reactserver.state.State;",
        "public class SpecialCart extends Base {",
        "  @State(scope = \"cart.\" + Scopes.USER) Long bonus = 0L;",
        "}");
    Compilation compilation = compile(base, special);
    assertThat(compilation).succeededWithoutWarnings();
    assertGolden(generated(compilation, "test/SpecialCartStates"), "SpecialCartStates.java");
  }

  @Test
  void genericComponentBindsWithItsTypeArguments() {
    JavaFileObject user = source("test.User",
        "package test;",
        "import dev.reactserver.state.runtime.InMemoryStore;",
        "import dev.reactserver.state.runtime.StateContext;",
        "class User {",
        "  String label() {",
        "    Outer_BoxStates<String> box = Outer_BoxStates.bind(",
        "        StateContext.of(new InMemoryStore()), new Outer.Box<String>());",
        "    return box.getLabel();",
        "  }",
        "}");
    assertThat(compile(NESTED_GENERIC, user)).succeededWithoutWarnings();
  }

  @Test
  void sameSourcesGiveByteIdenticalOutput() {
    String first = generated(compile(CART), "test/CartStates");
    String second = generated(compile(CART), "test/CartStates");
    assertThat(second).isEqualTo(first);
  }

  @Test
  void userTypesNamedLikeJavaLangAndJavaUtilTypesDoNotClash() {
    List<JavaFileObject> sources = List.of(
        source("test.String", "package test;", "public class String {}"),
        source("test.Object", "package test;", "public class Object {}"),
        source("test.Map", "package test;", "public class Map {}"),
        source("test.Objects", "package test;", "public class Objects {}"),
        source("test.Integer", "package test;", "public class Integer {}"),
        source("test.UnaryOperator", "package test;", "public class UnaryOperator {}"),
        source("test.StateRef", "package test;", "public class StateRef {}"),
        source("test.Generated", "package test;", "public class Generated {}"),
        source("test.Cart",
            "package test;",
            "import dev.reactserver.state.State;",
            "public class Cart {",
            "  @State java.lang.String name = \"\";",
            "  @State java.util.Map<java.lang.String, java.lang.Integer> counts = java.util.Map.of();",
            "  @State int items;",
            "  @State Map mine = new Map();",
            "}"));
    Compilation compilation = compile(sources.toArray(JavaFileObject[]::new));
    assertThat(compilation).succeededWithoutWarnings();
  }

  @Test
  void stateTypeGeneratedByAnotherProcessorIsDeferredUntilItExists() {
    JavaFileObject cart = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State Money total = Money.zero();",
        "}");
    Compilation compilation = com.google.testing.compile.Compiler.javac()
        .withProcessors(new StateProcessor(), new MoneyGenerator())
        .compile(cart);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test/CartStates").contentsAsUtf8String()
        .contains("public Money getTotal()");
  }

  @Test
  void processorPromisesWhatGradleAndJavacNeed() throws IOException {
    StateProcessor processor = new StateProcessor();
    assertThat(processor.getSupportedSourceVersion()).isEqualTo(SourceVersion.latestSupported());
    try (InputStream in = StateProcessor.class.getResourceAsStream(
        "/META-INF/gradle/incremental.annotation.processors")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim())
          .isEqualTo(StateProcessor.class.getName() + ",isolating");
    }
    try (InputStream in = StateProcessor.class.getResourceAsStream(
        "/META-INF/services/javax.annotation.processing.Processor")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim())
          .isEqualTo(StateProcessor.class.getName());
    }
  }

  /** Generates {@code test.Money} in its first round, as AutoValue would generate a value class. */
  static final class MoneyGenerator extends AbstractProcessor {
    private boolean done;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!done) {
        done = true;
        try (var writer = processingEnv.getFiler().createSourceFile("test.Money").openWriter()) {
          writer.write("package test; public final class Money { public static Money zero() { return new Money(); } }");
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  private static String generated(Compilation compilation, String name) {
    try {
      return compilation.generatedSourceFile(name).orElseThrow().getCharContent(true).toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that {@code actual} equals the golden file {@code name}. Run with
   * {@code -Dgolden.update=true} to rewrite the golden files from the current output, then review the diff.
   */
  private static void assertGolden(String actual, String name) {
    Path file = Path.of("src/test/resources/golden", name);
    try {
      if (Boolean.getBoolean("golden.update")) {
        Files.writeString(file, actual, StandardCharsets.UTF_8);
      }
      try (InputStream in = GenerationTest.class.getResourceAsStream("/golden/" + name)) {
        String expected = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (Boolean.getBoolean("golden.update")) {
          expected = Files.readString(file, StandardCharsets.UTF_8);
        }
        assertWithMessage("golden file %s (create it with -Dgolden.update=true)", file).that(expected).isNotNull();
        assertThat(actual).isEqualTo(expected);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
