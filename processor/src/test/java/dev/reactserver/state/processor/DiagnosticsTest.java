package dev.reactserver.state.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.reactserver.state.processor.Sources.compile;
import static dev.reactserver.state.processor.Sources.source;

import com.google.testing.compile.Compilation;
import dev.reactserver.state.processor.diagnostics.Messages;
import javax.tools.JavaFileObject;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per diagnostic: the message, the file and the line it points at. */
class DiagnosticsTest {

  @Test
  void privateField() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State",
        "  private int count = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.PRIVATE_FIELD).inFile(src).onLineContaining("private int count");
    assertThat(compilation).hadErrorContaining(
        "@State field 'count' in test.Cart must not be private: the generated CartStates reads its initial value."
            + " Make it package-private (Kotlin: add @JvmField).");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void staticField() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State",
        "  static int count = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.STATIC_FIELD).inFile(src).onLineContaining("static int count");
    assertThat(compilation).hadErrorContaining("must not be static");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void privateNestedComponent() {
    JavaFileObject src = source("test.Outer",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Outer {",
        "  private static class Cart {",
        "    @State int count = 0;",
        "  }",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.PRIVATE_COMPONENT).inFile(src).onLineContaining("private static class Cart");
    assertThat(compilation).hadErrorContaining("test.Outer.Cart has @State fields but is private");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void componentInsidePrivateClass() {
    JavaFileObject src = source("test.Outer",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Outer {",
        "  private static class Middle {",
        "    static class Cart {",
        "      @State int count = 0;",
        "    }",
        "  }",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.PRIVATE_COMPONENT).inFile(src).onLineContaining("static class Cart");
  }

  @Test
  void innerComponent() {
    JavaFileObject src = source("test.Outer",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Outer {",
        "  class Cart {",
        "    @State int count = 0;",
        "  }",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.INNER_COMPONENT).inFile(src).onLineContaining("class Cart");
    assertThat(compilation).hadErrorContaining("Declare it 'static'");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void localClass() {
    JavaFileObject src = source("test.Page",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Page {",
        "  void render() {",
        "    class Cart {",
        "      @State int count = 0;",
        "    }",
        "  }",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.LOCAL_COMPONENT).inFile(src).onLineContaining("@State int count");
    assertThat(compilation).hadErrorContaining("@State field 'count' is declared in a local or anonymous class");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void anonymousClassWithQualifiedAnnotation() {
    JavaFileObject src = source("test.Page",
        "package test;",
        "public class Page {",
        "  Object cart = new Object() {",
        "    @dev.reactserver.state.State int count = 0;",
        "  };",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.LOCAL_COMPONENT).inFile(src).onLineContaining("int count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void unrelatedStateAnnotationInLocalClassIsIgnored() {
    JavaFileObject annotation = source("other.State",
        "package other;",
        "public @interface State {}");
    JavaFileObject src = source("test.Page",
        "package test;",
        "import other.State;",
        "public class Page {",
        "  void render() {",
        "    class Cart {",
        "      @State int count = 0;",
        "    }",
        "  }",
        "}");
    assertThat(compile(annotation, src)).succeededWithoutWarnings();
  }

  @Test
  void blankKey() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State(",
        "      key = \"  \")",
        "  int count = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.BLANK_KEY).inFile(src).onLineContaining("key = \"  \"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void keyWithSurroundingWhitespace() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State(",
        "      key = \"count \")",
        "  int count = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.KEY_TEXT).inFile(src).onLineContaining("key = \"count \"");
  }

  @Test
  void keyWithControlCharacter() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State(",
        "      key = \"a\\tb\")",
        "  int count = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.KEY_TEXT).inFile(src).onLineContaining("key = ");
    assertThat(compilation).hadErrorContaining("key \"a\\u0009b\"");
  }

  @Test
  void emptyScope() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State(",
        "      scope = \"\")",
        "  int count = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.EMPTY_SCOPE).inFile(src).onLineContaining("scope = \"\"");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void unknownPlaceholderWithSuggestion() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State(",
        "      scope = \"cart.$clinet\")",
        "  int count = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.UNKNOWN_PLACEHOLDER).inFile(src).onLineContaining("scope = \"cart.$clinet\"");
    assertThat(compilation).hadErrorContaining("uses the unknown placeholder '$clinet'. Did you mean '$client'?");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void unknownPlaceholderWithoutSuggestion() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State(scope = \"$tenant.$session\")",
        "  int count = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining("unknown placeholder '$tenant'. Placeholders are").inFile(src).onLineContaining("$tenant");
    assertThat(compilation).hadErrorContaining("unknown placeholder '$session'.");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void duplicateScopeAndKey() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.Scopes;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State(scope = Scopes.CLIENT) int items = 0;",
        "  @State(scope = \"$client\", key = \"items\")",
        "  int count = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.DUPLICATE_KEY).inFile(src).onLineContaining("int count");
    assertThat(compilation).hadErrorContaining(
        "@State field 'count' in test.Cart declares scope \"$client\" and key \"items\", which field 'items' already declares.");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void recordComponent() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public record Cart(",
        "    @State int count) {}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.RECORD_COMPONENT).inFile(src).onLineContaining("@State int count");
    assertThat(compilation).hadErrorContaining("record fields are private and final");
  }

  @Test
  void interfaceField() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public interface Cart {",
        "  @State",
        "  int COUNT = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.INTERFACE_FIELD).inFile(src).onLineContaining("int COUNT");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void enumComponent() {
    JavaFileObject src = source("test.Mode",
        "package test;",
        "import dev.reactserver.state.State;",
        "public enum Mode {",
        "  ON;",
        "  @State",
        "  int count = 0;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.ENUM_COMPONENT).inFile(src).onLineContaining("int count");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void typeVariableInStateType() {
    JavaFileObject src = source("test.Box",
        "package test;",
        "import dev.reactserver.state.State;",
        "import java.util.List;",
        "public class Box<T> {",
        "  @State",
        "  T value;",
        "  @State",
        "  List<? extends T> values;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.TYPE_VARIABLE).inFile(src).onLineContaining("T value;");
    assertThat(compilation).hadErrorContaining(Messages.TYPE_VARIABLE).inFile(src).onLineContaining("List<? extends T> values;");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void accessorsDifferingOnlyInCase() {
    JavaFileObject src = source("test.Link",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Link {",
        "  @State String url;",
        "  @State",
        "  String uRL;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.ACCESSOR_CLASH).inFile(src).onLineContaining("String uRL");
    assertThat(compilation).hadErrorContaining("needs the accessor getURL(), which field 'url' also needs (as getUrl())");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void booleanAndIsPrefixedBoolean() {
    JavaFileObject src = source("test.Door",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Door {",
        "  @State boolean open;",
        "  @State",
        "  boolean isOpen;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.ACCESSOR_CLASH).inFile(src).onLineContaining("boolean isOpen");
    assertThat(compilation).hadErrorContaining("needs the accessor isOpen(), which field 'open' also needs");
  }

  @Test
  void accessorThatObjectDeclares() {
    JavaFileObject src = source("test.Shape",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Shape {",
        "  @State",
        "  String Class;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.ACCESSOR_CLASH).inFile(src).onLineContaining("String Class");
    assertThat(compilation).hadErrorContaining("getClass(), which java.lang.Object declares as final");
  }

  @Test
  void generatedNameTaken() {
    JavaFileObject cart = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State int count = 0;",
        "}");
    JavaFileObject taken = source("test.CartStates",
        "package test;",
        "public class CartStates {}");
    Compilation compilation = compile(cart, taken);
    assertThat(compilation).hadErrorContaining(Messages.GENERATED_NAME_TAKEN).inFile(cart).onLineContaining("public class Cart");
    assertThat(compilation).hadErrorContaining("the type test.CartStates that would hold its accessors already exists");
    assertThat(compilation).hadErrorCount(1);
  }

  @Test
  void unresolvedTypeIsReportedOnceBesideJavacsOwnError() {
    JavaFileObject src = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State",
        "  Missing thing;",
        "}");
    Compilation compilation = compile(src);
    assertThat(compilation).hadErrorContaining(Messages.UNRESOLVED_TYPE).inFile(src).onLineContaining("Missing thing");
    assertThat(compilation).hadErrorContaining("cannot find symbol");
  }

  @Test
  void everyErrorOfACompilationInOnePassAndGoodComponentsStillGenerated(@TempDir Path tempDir) throws IOException {
    JavaFileObject bad = source("test.Bad",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Bad {",
        "  @State private int a;",
        "  @State static int b;",
        "  @State(key = \" \") int c;",
        "  @State(scope = \"$usr\") int d;",
        "}");
    JavaFileObject alsoBad = source("test.AlsoBad",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class AlsoBad {",
        "  @State private int a;",
        "}");
    JavaFileObject good = source("test.Good",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Good {",
        "  @State int a;",
        "}");
    Compilation compilation = compile(bad, alsoBad, good);
    assertThat(compilation).hadErrorCount(5);
    assertThat(compilation).hadErrorContaining(Messages.PRIVATE_FIELD).inFile(bad).onLineContaining("int a");
    assertThat(compilation).hadErrorContaining(Messages.STATIC_FIELD).inFile(bad).onLineContaining("int b");
    assertThat(compilation).hadErrorContaining(Messages.BLANK_KEY).inFile(bad).onLineContaining("int c");
    assertThat(compilation).hadErrorContaining("Did you mean '$user'?").inFile(bad).onLineContaining("int d");
    assertThat(compilation).hadErrorContaining(Messages.PRIVATE_FIELD).inFile(alsoBad).onLineContaining("int a");
    // compile-testing hides generated files of a failed compilation: look at javac's output folder.
    assertThat(Sources.generatedDespiteErrors(tempDir, bad, alsoBad, good)).containsExactly("test/GoodStates.java");
  }
}
