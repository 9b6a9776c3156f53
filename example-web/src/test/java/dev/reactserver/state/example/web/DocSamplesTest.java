package dev.reactserver.state.example.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every Java sample of the README and of {@code docs/} compiles as a user would write it: a block that is
 * a whole compilation unit (it starts with {@code package} or {@code import}) is compiled with the
 * processor against the starter and every store, together with the other units of its page and the
 * README's {@code Cart} component; any other block must open with a comment saying what it outlines.
 */
class DocSamplesTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern TYPE =
      Pattern.compile("^(?:public )?(?:final |abstract )?(?:class|record|interface|enum) (\\w+)", Pattern.MULTILINE);

  @TestFactory
  Stream<DynamicTest> everyJavaSampleCompilesOrSaysWhatItOutlines() throws IOException {
    List<Path> pages = new ArrayList<>();
    pages.add(ROOT.resolve("README.md"));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    String cart = units(ROOT.resolve("README.md")).get(0);
    assertTrue(cart.contains("class Cart "), "the README's first sample is the Cart component");
    return pages.stream().map(page -> DynamicTest.dynamicTest(ROOT.relativize(page).toString(), () -> {
      List<String> units = units(page);
      if (!page.endsWith("README.md") && !units.isEmpty()) {
        units.add(cart);
      }
      if (!units.isEmpty()) {
        compile(page, units);
      }
    }));
  }

  /** The page's whole compilation units; fails on a block that is neither a unit nor says what it is. */
  private static List<String> units(Path page) {
    String text;
    try {
      text = Files.readString(page);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> units = new ArrayList<>();
    Matcher block = JAVA_BLOCK.matcher(text);
    while (block.find()) {
      String code = block.group(1);
      String first = code.strip().lines().findFirst().orElse("");
      if (first.startsWith("package ") || first.startsWith("import ")) {
        units.add(code);
      } else {
        assertTrue(first.startsWith("//"), "a Java sample of " + page + " that is not a whole compilation unit"
            + " must open with a comment saying what it outlines: " + first);
      }
    }
    return units;
  }

  private static void compile(Path page, List<String> units) throws IOException {
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    List<JavaFileObject> sources = new ArrayList<>();
    for (String unit : units) {
      Matcher type = TYPE.matcher(unit);
      assertTrue(type.find(), "a sample of " + page + " declares no type:\n" + unit);
      Matcher pkg = PACKAGE.matcher(unit);
      String name = (pkg.find() ? pkg.group(1).replace('.', '/') + "/" : "") + type.group(1) + ".java";
      sources.add(new SimpleJavaFileObject(URI.create("string:///" + name), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return unit;
        }
      });
    }
    Path out = Files.createTempDirectory("doc-samples");
    String classPath = System.getProperty("java.class.path");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean compiled = compiler.getTask(null, null, diagnostics,
        List.of("-classpath", classPath, "-processorpath", classPath, "-d", out.toString(), "-Xlint:none"),
        null, sources).call();
    StringBuilder errors = new StringBuilder();
    for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
      if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
        errors.append(diagnostic.getSource() == null ? "" : diagnostic.getSource().getName())
            .append(':').append(diagnostic.getLineNumber()).append(": ")
            .append(diagnostic.getMessage(Locale.ROOT)).append('\n');
      }
    }
    assertEquals("", errors.toString(), "the samples of " + ROOT.relativize(page) + " compile");
    assertTrue(compiled, "the samples of " + ROOT.relativize(page) + " compile");
  }
}
