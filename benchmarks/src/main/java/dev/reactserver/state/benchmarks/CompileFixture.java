package dev.reactserver.state.benchmarks;

import com.google.auto.value.processor.AutoValueProcessor;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskListener;
import dev.reactserver.state.processor.StateProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * The sources and class paths of the compile benchmarks: 500 components with 4 {@code @State} fields
 * each, the same 500 classes as {@code @AutoValue} classes with 4 properties, and the accessors our
 * processor generates for the components; each compiled by the in-process {@code javax.tools} compiler.
 */
final class CompileFixture implements AutoCloseable {

  private static final int CLASSES = 500;
  private static final Pattern JAVADOC = Pattern.compile("/\\*\\*.*?\\*/", Pattern.DOTALL);

  private final Path root;
  /** What a user's build has on its class path: our annotations and runtime; AutoValue's annotations. */
  private final String stateClassPath;
  private final String autoValueClassPath;
  private final List<Path> stateSources = new ArrayList<>();
  private final List<Path> autoValueSources = new ArrayList<>();
  /** The accessors exactly as our processor generates them. */
  private List<Path> generatedSources;
  /** The components and the accessors our processor generates for them (without Javadoc), for a compile without it. */
  private List<Path> stateAndGeneratedSources;

  /** Writes the sources into a new temporary directory and generates the accessors once. */
  CompileFixture() throws IOException {
    root = Files.createTempDirectory("compile-benchmark");
    stateClassPath = extractClasses(name -> name.startsWith("dev/reactserver/state/")
        && !name.startsWith("dev/reactserver/state/processor/") && !name.startsWith("dev/reactserver/state/benchmarks/"),
        "states-classpath");
    autoValueClassPath = extractClasses(name -> name.matches("com/google/auto/value/[A-Za-z$]+\\.class"),
        "values-classpath");
    Path states = Files.createDirectories(root.resolve("states/gen"));
    Path values = Files.createDirectories(root.resolve("values/gen"));
    for (int i = 0; i < CLASSES; i++) {
      stateSources.add(Files.writeString(states.resolve("Component" + i + ".java"), """
          package gen;

          import dev.reactserver.state.State;
          import dev.reactserver.state.Scopes;
          import java.util.List;

          public class Component%1$d {
            @State(scope = Scopes.CLIENT) int count;
            @State(scope = Scopes.USER) String name = "";
            @State List<String> tags = List.of();
            @State(key = "visits%1$d", scope = "shop") long visits;
          }
          """.formatted(i)));
      autoValueSources.add(Files.writeString(values.resolve("Value" + i + ".java"), """
          package gen;

          import com.google.auto.value.AutoValue;
          import java.util.List;

          @AutoValue
          public abstract class Value%1$d {
            public abstract int count();
            public abstract String name();
            public abstract List<String> tags();
            public abstract long visits();

            public static Value%1$d create(int count, String name, List<String> tags, long visits) {
              return new AutoValue_Value%1$d(count, name, tags, visits);
            }
          }
          """.formatted(i)));
    }
    generateAccessors();
  }

  /**
   * Copies the classes {@code include} accepts from this benchmark's own jar (or classes folder) into a
   * new jar and returns its path: each compile gets the class path its kind of project has, not the whole
   * shaded jar, whose size would slow every class lookup javac makes.
   */
  private String extractClasses(Predicate<String> include, String name) throws IOException {
    Path jarPath = root.resolve(name + ".jar");
    Path source = Path.of(URI.create(CompileFixture.class.getProtectionDomain().getCodeSource().getLocation()
        .toString()));
    try (FileSystem jar = Files.isDirectory(source) ? null : FileSystems.newFileSystem(source);
        FileSystem out = FileSystems.newFileSystem(jarPath, Map.of("create", "true"))) {
      Path top = jar == null ? source : jar.getPath("/");
      try (Stream<Path> files = Files.walk(top)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          String entry = top.relativize(file).toString().replace('\\', '/');
          if (Files.isRegularFile(file) && include.test(entry)) {
            Path copy = out.getPath(entry);
            Files.createDirectories(copy.getParent());
            Files.copy(file, copy);
          }
        }
      }
    }
    return jarPath.toString();
  }

  /**
   * Generates the accessors once and strips their Javadoc, so that what javac alone must do to compile the
   * generated API can be measured apart from the processor's work.
   */
  private void generateAccessors() throws IOException {
    Path out = Files.createTempDirectory(root, "generated");
    compile(stateSources, List.of(new StateProcessor()), stateClassPath, out, null);
    Path stripped = Files.createDirectories(root.resolve("stripped/gen"));
    stateAndGeneratedSources = new ArrayList<>(stateSources);
    try (Stream<Path> paths = Files.walk(out)) {
      generatedSources = paths.filter(path -> path.toString().endsWith(".java")).sorted().toList();
    }
    for (Path file : generatedSources) {
      String code = JAVADOC.matcher(Files.readString(file)).replaceAll("");
      stateAndGeneratedSources.add(Files.writeString(stripped.resolve(file.getFileName()), code));
    }
  }

  /** Deletes the sources and every compile's output. */
  @Override
  public void close() throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  /** The components through our processor. */
  boolean compileStateProcessor(TaskListener listener) throws IOException {
    return compile(stateSources, List.of(new StateProcessor()), stateClassPath, "states", listener);
  }

  /** The {@code @AutoValue} classes through AutoValue's processor. */
  boolean compileAutoValue(TaskListener listener) throws IOException {
    return compile(autoValueSources, List.of(new AutoValueProcessor()), autoValueClassPath, "values", listener);
  }

  /** The components with no processor. */
  boolean compilePlainJavac() throws IOException {
    return compile(stateSources, List.of(), stateClassPath, "plain", null);
  }

  /**
   * The components with their generated accessors, Javadoc stripped, as plain sources: the least javac does
   * for the generated API, whatever writes it.
   */
  boolean compileGeneratedAccessorsWithoutProcessor() throws IOException {
    return compile(stateAndGeneratedSources, List.of(), stateClassPath, "generated-only", null);
  }

  /**
   * The components, with our exact generated accessors written through the {@code Filer} by a processor
   * that does nothing else: what any processor that emits this API costs, before it does any work.
   */
  boolean compileGeneratedAccessorsWrittenByAnIdleProcessor() throws IOException {
    return compile(stateSources, List.of(new Replay(generatedSources)), stateClassPath, "replayed", null);
  }

  private boolean compile(List<Path> sources, List<Processor> processors, String classPath, String name,
      TaskListener listener) throws IOException {
    return compile(sources, processors, classPath, Files.createTempDirectory(root, name), listener);
  }

  private boolean compile(List<Path> sources, List<Processor> processors, String classPath, Path out,
      TaskListener listener) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, null, null)) {
      List<String> options = new ArrayList<>(List.of("-d", out.toString(), "-s", out.toString(),
          "-classpath", classPath, "--release", "17"));
      if (processors.isEmpty()) {
        options.add("-proc:none");
      }
      JavaCompiler.CompilationTask task =
          compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources));
      if (!processors.isEmpty()) {
        task.setProcessors(processors);
      }
      if (listener != null) {
        ((JavacTask) task).addTaskListener(listener);
      }
      if (!task.call()) {
        throw new IllegalStateException("compilation failed: " + diagnostics.getDiagnostics());
      }
      return true;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /** Writes the given files as generated sources in the first round, and does nothing else. */
  @SupportedAnnotationTypes("*")
  private static final class Replay extends AbstractProcessor {
    private final List<Path> files;
    private boolean written;

    Replay(List<Path> files) {
      this.files = files;
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (written) {
        return false;
      }
      written = true;
      for (Path file : files) {
        String name = "gen." + file.getFileName().toString().replace(".java", "");
        try (Writer writer = processingEnv.getFiler().createSourceFile(name).openWriter()) {
          writer.write(Files.readString(file));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }
}
