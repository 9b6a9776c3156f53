package dev.reactserver.state.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import dev.reactserver.state.processor.diagnostics.Messages;
import javax.tools.JavaFileObject;
import org.eclipse.jdt.internal.compiler.tool.EclipseCompiler;
import org.junit.jupiter.api.Test;

/** A representative part of the suite under the Eclipse compiler, which IDE users build with. */
class EclipseCompilerTest {

  @TempDir static Path sourceDir;

  /** ecj needs sources with file: URIs; compile-testing's in-memory ones have mem: URIs. */
  private static JavaFileObject source(String name, String... lines) {
    try {
      Path file = sourceDir.resolve(name.replace('.', '/') + ".java");
      Files.createDirectories(file.getParent());
      Files.write(file, List.of(lines));
      return JavaFileObjects.forResource(file.toUri().toURL());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Compilation compile(JavaFileObject... sources) {
    return Compiler.compiler(new EclipseCompiler())
        .withOptions("--release", "17")
        .withProcessors(new StateProcessor())
        .compile(sources);
  }

  @Test
  void generatesAccessorsThatCompile() {
    JavaFileObject cart = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.Scopes;",
        "import dev.reactserver.state.State;",
        "import java.util.List;",
        "public class Cart {",
        "  @State(scope = Scopes.CLIENT) int items;",
        "  @State(scope = \"cart.\" + Scopes.USER) List<String> wishlist = List.of();",
        "  @State boolean open;",
        "}");
    JavaFileObject user = source("test.User",
        "package test;",
        "import dev.reactserver.state.runtime.InMemoryStore;",
        "import dev.reactserver.state.runtime.StateContext;",
        "class User {",
        "  int items() {",
        "    CartStates cart = CartStates.bind(StateContext.of(new InMemoryStore()).withUser(\"u\"), new Cart());",
        "    cart.updateWishlist(list -> list);",
        "    return cart.incrementItems(1) + (cart.isOpen() ? 1 : 0);",
        "  }",
        "}");
    Compilation compilation = compile(cart, user);
    assertThat(compilation).succeeded();
    assertThat(compilation).generatedSourceFile("test/CartStates");
  }

  @Test
  void reportsEveryErrorOnItsLine() {
    JavaFileObject bad = source("test.Bad",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Bad {",
        "  @State",
        "  private int a;",
        "  @State(scope = \"$clinet\")",
        "  int b;",
        "  @State(key = \"b\", scope = \"$client\")",
        "  int c;",
        "}");
    Compilation compilation = compile(bad);
    assertThat(compilation).hadErrorContaining(Messages.PRIVATE_FIELD).inFile(bad).onLineContaining("private int a");
    assertThat(compilation).hadErrorContaining("Did you mean '$client'?").inFile(bad).onLineContaining("$clinet");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void reportsSharedTypeConflicts() {
    JavaFileObject cart = source("test.Cart",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Cart {",
        "  @State(scope = \"lobby\")",
        "  int items;",
        "}");
    JavaFileObject header = source("test.Header",
        "package test;",
        "import dev.reactserver.state.State;",
        "public class Header {",
        "  @State(scope = \"lobby\")",
        "  String items;",
        "}");
    Compilation compilation = compile(cart, header);
    assertThat(compilation).hadErrorContaining(Messages.SHARED_TYPE_CONFLICT).inFile(cart).onLineContaining("int items");
    assertThat(compilation).hadErrorContaining(Messages.SHARED_TYPE_CONFLICT).inFile(header).onLineContaining("String items");
  }
}
