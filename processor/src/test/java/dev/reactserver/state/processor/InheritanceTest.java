package dev.reactserver.state.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;
import static dev.reactserver.state.processor.Sources.compile;
import static dev.reactserver.state.processor.Sources.source;

import com.google.testing.compile.Compilation;
import dev.reactserver.state.processor.diagnostics.Messages;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** @State fields of superclasses belong to the subclass's accessors. */
class InheritanceTest {

  private static final JavaFileObject BASE = source("test.Base",
      "package test;",
      "import dev.reactserver.state.Scopes;",
      "import dev.reactserver.state.State;",
      "public abstract class Base {",
      "  @State(scope = Scopes.CLIENT)",
      "  public int items;",
      "}");

  @Test
  void subclassAccessorsIncludeInheritedStatesFirst() throws IOException {
    JavaFileObject special = source("test.SpecialCart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class SpecialCart extends Base {",
        "  @State String note = \"\";",
        "}");
    Compilation compilation = compile(BASE, special);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test/BaseStates");
    String generated = compilation.generatedSourceFile("test/SpecialCartStates").orElseThrow()
        .getCharContent(true).toString();
    assertThat(generated).contains("public int getItems()");
    assertThat(generated).contains("public String getNote()");
    // The declaration names the subclass as the component (the state belongs to its instances).
    assertThat(generated.replaceAll("\\(\\s+", "(").replaceAll("\\s+", " ")).contains(
        "StateDeclaration.<Integer>of(\"test.SpecialCart\", \"items\", \"items\", \"$client\",");
    assertThat(generated.indexOf("getItems")).isLessThan(generated.indexOf("getNote"));
  }

  @Test
  void subclassWithoutOwnStatesGetsAccessorsToo() {
    JavaFileObject plain = source("test.PlainCart",
        "package test;",
        "public class PlainCart extends Base {}");
    Compilation compilation = compile(BASE, plain);
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test/PlainCartStates");
  }

  @Test
  void repeatingAnInheritedScopeAndKeyIsAnError() {
    JavaFileObject sub = subRepeatingItems();
    Compilation compilation = compile(BASE, sub);
    assertThat(compilation).hadErrorContaining(Messages.DUPLICATE_KEY).inFile(sub).onLineContaining("int count");
    assertThat(compilation).hadErrorContaining("which field 'items' (inherited from test.Base) already declares");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void superclassFromAClassFileCountsToo(@TempDir Path dir) throws IOException {
    Path classes = compileToClasses(dir, BASE);
    JavaFileObject sub = subRepeatingItems();
    Compilation duplicate = javac().withProcessors(new StateProcessor())
        .withClasspath(classpathWith(classes)).compile(sub);
    assertThat(duplicate).hadErrorContaining("which field 'items' (inherited from test.Base) already declares")
        .inFile(sub).onLineContaining("int count");

    JavaFileObject plain = source("test.PlainCart",
        "package test;",
        "public class PlainCart extends Base {}");
    Compilation good = javac().withProcessors(new StateProcessor())
        .withClasspath(classpathWith(classes)).compile(plain);
    assertThat(good).succeededWithoutWarnings();
    assertThat(good).generatedSourceFile("test/PlainCartStates").contentsAsUtf8String().contains("getItems()");
  }

  @Test
  void inheritedFieldInvisibleFromTheSubclassPackageIsAnError() {
    JavaFileObject base = source("base.Base",
        "package base;",
        "import dev.reactserver.state.State;",
        "public class Base {",
        "  @State int hidden;",
        "}");
    JavaFileObject sub = source("test.Sub",
        "package test;",
        "public class Sub extends base.Base {}");
    Compilation compilation = compile(base, sub);
    assertThat(compilation).hadErrorContaining(Messages.INHERITED_FIELD_NOT_VISIBLE).inFile(sub).onLineContaining("class Sub");
    assertThat(compilation).hadErrorContaining("@State field 'hidden' of base.Base, inherited by test.Sub, is not"
        + " visible to the generated test.SubStates in another package.");
    assertThat(compilation).hadErrorCount(1);
  }

  /** A subclass of {@link #BASE} that declares {@code items}' scope and key again. */
  private static JavaFileObject subRepeatingItems() {
    return source("test.Sub",
        "package test;",
        "import dev.reactserver.state.Scopes;",
        "import dev.reactserver.state.State;",
        "public class Sub extends Base {",
        "  @State(scope = Scopes.CLIENT, key = \"items\")",
        "  int count;",
        "}");
  }

  private static Path compileToClasses(Path dir, JavaFileObject... sources) throws IOException {
    Compilation compilation = compile(sources);
    assertThat(compilation).succeeded();
    Path classes = Files.createDirectories(dir.resolve("classes"));
    for (JavaFileObject file : compilation.generatedFiles()) {
      if (file.getKind() == JavaFileObject.Kind.CLASS) {
        String relative = file.toUri().getPath().replaceFirst("^/CLASS_OUTPUT/", "");
        Path target = classes.resolve(relative);
        Files.createDirectories(target.getParent());
        try (OutputStream out = Files.newOutputStream(target)) {
          file.openInputStream().transferTo(out);
        }
      }
    }
    return classes;
  }

  private static List<File> classpathWith(Path classes) {
    List<File> path = new ArrayList<>();
    path.add(classes.toFile());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      path.add(new File(entry));
    }
    return path;
  }
}
