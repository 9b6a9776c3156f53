package dev.reactserver.state.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import javax.tools.JavaFileObject;
import com.google.testing.compile.JavaFileObjects;

/** Builds test sources and compiles them with the processor. */
final class Sources {

  private Sources() {}

  /** A source file {@code name} (e.g. {@code "test.Cart"}) from lines. */
  static JavaFileObject source(String name, String... lines) {
    return JavaFileObjects.forSourceLines(name, lines);
  }

  static Compilation compile(JavaFileObject... sources) {
    return javac().withProcessors(new StateProcessor()).compile(sources);
  }

  /**
   * Compiles {@code sources} with plain javac into {@code directory}, expecting errors, and returns the
   * generated source files (relative paths, sorted).
   */
  static List<String> generatedDespiteErrors(Path directory, JavaFileObject... sources) throws IOException {
    Path generated = Files.createDirectories(directory.resolve("generated"));
    Path classes = Files.createDirectories(directory.resolve("classes"));
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null)) {
      List<String> options = List.of("-s", generated.toString(), "-d", classes.toString(),
          "-classpath", System.getProperty("java.class.path"));
      JavaCompiler.CompilationTask task =
          compiler.getTask(null, files, diagnostics, options, null, List.of(sources));
      task.setProcessors(List.of(new StateProcessor()));
      if (task.call()) {
        throw new AssertionError("expected the compilation to fail");
      }
    }
    try (Stream<Path> paths = Files.walk(generated)) {
      return paths.filter(Files::isRegularFile)
          .map(path -> generated.relativize(path).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }
}
