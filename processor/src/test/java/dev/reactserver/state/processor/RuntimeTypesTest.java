package dev.reactserver.state.processor;

import static com.google.common.truth.Truth.assertThat;
import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.reactserver.state.processor.Sources.compile;
import static dev.reactserver.state.processor.Sources.source;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.testing.compile.Compilation;
import dev.reactserver.state.runtime.InMemoryStore;
import dev.reactserver.state.runtime.StateContext;
import dev.reactserver.state.runtime.StateTypeException;
import dev.reactserver.state.runtime.spi.StateDeclaration;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.HashMap;
import java.util.Map;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * Generated code at run time: the declared types it passes to the store are the fields' own generic
 * types, and two components compiled apart that disagree on a shared state's type fail on bind.
 */
class RuntimeTypesTest {

  @Test
  void declaredTypesAreTheFieldsGenericTypes() throws Exception {
    Compilation compilation = compile(source("test.Ledger",
        "package test;",
        "import dev.reactserver.state.State;",
        "import java.util.*;",
        "public class Ledger {",
        "  @State int count;",
        "  @State String[][] grid;",
        "  @State Map<String, List<Integer>> prices;",
        "  @State List<? extends Number> scores;",
        "  @State List<? super Integer> sinks;",
        "  @State List<?> anything;",
        "  @State List<String>[] pages;",
        "  @State Map.Entry<String, Long> entry;",
        "}"));
    assertThat(compilation).succeededWithoutWarnings();
    ClassLoader loader = loaderOf(compilation);
    Class<?> component = loader.loadClass("test.Ledger");
    Class<?> accessors = loader.loadClass("test.LedgerStates");

    int checked = 0;
    for (Field constant : accessors.getDeclaredFields()) {
      if (constant.getType() != StateDeclaration.class) {
        continue;
      }
      constant.setAccessible(true);
      StateDeclaration<?> declaration = (StateDeclaration<?>) constant.get(null);
      Type fieldType = component.getDeclaredField(declaration.field()).getGenericType();
      assertThat(declaration.type().type()).isEqualTo(fieldType);
      assertThat(Modifier.isFinal(constant.getModifiers())).isTrue();
      checked++;
    }
    assertThat(checked).isEqualTo(8);
  }

  @Test
  void componentsCompiledApartThatDisagreeOnASharedStateFailOnBindNamingBoth() throws Exception {
    Compilation lobby = compile(source("games.Lobby",
        "package games;",
        "import dev.reactserver.state.State;",
        "public class Lobby {",
        "  @State(scope = \"arcade\") int players;",
        "}"));
    Compilation board = compile(source("scores.Board",
        "package scores;",
        "import dev.reactserver.state.State;",
        "public class Board {",
        "  @State(key = \"players\", scope = \"arcade\") String names = \"\";",
        "}"));
    assertThat(lobby).succeeded();
    assertThat(board).succeeded();
    ClassLoader loader = loaderOf(lobby, board);
    StateContext ctx = StateContext.of(new InMemoryStore());
    bind(loader, "games", "Lobby", ctx);

    StateTypeException e = assertThrows(StateTypeException.class, () -> bind(loader, "scores", "Board", ctx));

    assertThat(e).hasMessageThat().isEqualTo("state arcade:players is declared with two types:"
        + " games.Lobby.players (int) and scores.Board.names (java.lang.String); declare it with one type"
        + " everywhere, or give one of them another key or scope");
  }

  /** Calls {@code <Name>States.bind(ctx, new <Name>())} and rethrows what it throws. */
  private static Object bind(ClassLoader loader, String pkg, String name, StateContext ctx) throws Exception {
    Class<?> component = loader.loadClass(pkg + "." + name);
    Method bind = loader.loadClass(pkg + "." + name + "States").getMethod("bind", StateContext.class, component);
    try {
      return bind.invoke(null, ctx, component.getConstructor().newInstance());
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** A class loader over the class files of {@code compilations}, the runtime from the test's class path. */
  private static ClassLoader loaderOf(Compilation... compilations) throws IOException {
    Map<String, byte[]> classes = new HashMap<>();
    for (Compilation compilation : compilations) {
      for (JavaFileObject file : compilation.generatedFiles()) {
        if (file.getKind() == JavaFileObject.Kind.CLASS) {
          String path = file.toUri().getPath();
          String binaryName = path.substring(path.indexOf("/CLASS_OUTPUT/") + "/CLASS_OUTPUT/".length(),
              path.length() - ".class".length()).replace('/', '.');
          try (InputStream in = file.openInputStream()) {
            classes.put(binaryName, in.readAllBytes());
          }
        }
      }
    }
    return new ClassLoader(RuntimeTypesTest.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
      }
    };
  }
}
