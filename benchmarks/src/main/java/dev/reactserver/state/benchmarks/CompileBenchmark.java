package dev.reactserver.state.benchmarks;

import com.google.auto.value.processor.AutoValueProcessor;
import dev.reactserver.state.processor.StateProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.annotation.processing.Processor;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Compiling 500 components with 4 {@code @State} fields each through our processor, against the same 500
 * classes as {@code @AutoValue} classes with 4 properties, and against plain javac without processors.
 * Sources are generated here; the in-process {@code javax.tools} compiler compiles them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4)
@Measurement(iterations = 6)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class CompileBenchmark {

  static final int CLASSES = 500;
  private static final Pattern JAVADOC = Pattern.compile("/\\*\\*.*?\\*/", Pattern.DOTALL);

  private Path root;
  /** What a user's build has on its class path: our annotations and runtime; AutoValue's annotations. */
  private String stateClassPath;
  private String autoValueClassPath;
  private List<Path> stateSources;
  private List<Path> autoValueSources;
  /** The components and the accessors our processor generates for them (without Javadoc), for a compile without it. */
  private List<Path> stateAndGeneratedSources;

  @Setup(Level.Trial)
  public void writeSources() throws IOException {
    root = Files.createTempDirectory("compile-benchmark");
    stateClassPath = extractClasses(name -> name.startsWith("dev/reactserver/state/")
        && !name.startsWith("dev/reactserver/state/processor/") && !name.startsWith("dev/reactserver/state/benchmarks/"),
        "states-classpath");
    autoValueClassPath = extractClasses(name -> name.matches("com/google/auto/value/[A-Za-z$]+\\.class"),
        "values-classpath");
    stateSources = new ArrayList<>();
    autoValueSources = new ArrayList<>();
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
    Path source = Path.of(URI.create(CompileBenchmark.class.getProtectionDomain().getCodeSource().getLocation()
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
    compile(stateSources, List.of(new StateProcessor()), stateClassPath, "generate", out);
    Path stripped = Files.createDirectories(root.resolve("stripped/gen"));
    stateAndGeneratedSources = new ArrayList<>(stateSources);
    List<Path> generated;
    try (Stream<Path> paths = Files.walk(out)) {
      generated = paths.filter(path -> path.toString().endsWith(".java")).toList();
    }
    for (Path file : generated) {
      String code = JAVADOC.matcher(Files.readString(file)).replaceAll("");
      stateAndGeneratedSources.add(Files.writeString(stripped.resolve(file.getFileName()), code));
    }
  }

  @TearDown(Level.Trial)
  public void deleteSources() throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Benchmark
  public boolean compileStateProcessor() throws IOException {
    return compile(stateSources, List.of(new StateProcessor()), stateClassPath, "states");
  }

  @Benchmark
  public boolean compileAutoValue() throws IOException {
    return compile(autoValueSources, List.of(new AutoValueProcessor()), autoValueClassPath, "values");
  }

  @Benchmark
  public boolean compilePlainJavac() throws IOException {
    return compile(stateSources, List.of(), stateClassPath, "plain");
  }

  /**
   * The components with their generated accessors, Javadoc stripped, as plain sources: the least javac does
   * for the generated API, whatever writes it.
   */
  @Benchmark
  public boolean compileGeneratedAccessorsWithoutProcessor() throws IOException {
    return compile(stateAndGeneratedSources, List.of(), stateClassPath, "generated-only");
  }

  private boolean compile(List<Path> sources, List<Processor> processors, String classPath, String name)
      throws IOException {
    return compile(sources, processors, classPath, name, Files.createTempDirectory(root, name));
  }

  private boolean compile(List<Path> sources, List<Processor> processors, String classPath, String name, Path out)
      throws IOException {
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
      if (!task.call()) {
        throw new IllegalStateException("compilation failed: " + diagnostics.getDiagnostics());
      }
      return true;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
