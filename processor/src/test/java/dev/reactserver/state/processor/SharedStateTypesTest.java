package dev.reactserver.state.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static dev.reactserver.state.processor.Sources.compile;
import static dev.reactserver.state.processor.Sources.source;

import com.google.testing.compile.Compilation;
import dev.reactserver.state.processor.diagnostics.Messages;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/** One scope and key declared by two components of one compilation must have one type. */
class SharedStateTypesTest {

  private static JavaFileObject component(String name, String scope, String type) {
    return source("test." + name,
        "package test;",
        "import dev.reactserver.state.State;",
        "public class " + name + " {",
        "  @State(scope = \"" + scope + "\")",
        "  " + type + " items;",
        "}");
  }

  @Test
  void differentTypesForOneSharedStateAreAnErrorOnEachField() {
    JavaFileObject cart = component("Cart", "$client", "int");
    JavaFileObject header = component("Header", "$client", "String");
    Compilation compilation = compile(cart, header);
    assertThat(compilation).hadErrorContaining(Messages.SHARED_TYPE_CONFLICT).inFile(cart).onLineContaining("int items");
    assertThat(compilation).hadErrorContaining(Messages.SHARED_TYPE_CONFLICT).inFile(header).onLineContaining("String items");
    assertThat(compilation).hadErrorContaining("@State field 'items' in test.Cart declares the shared state"
        + " (scope \"$client\", key \"items\") as int, but test.Header.items declares it as java.lang.String.");
    assertThat(compilation).hadErrorContaining("@State field 'items' in test.Header declares the shared state"
        + " (scope \"$client\", key \"items\") as java.lang.String, but test.Cart.items declares it as int.");
    assertThat(compilation).hadErrorCount(2);
  }

  @Test
  void globalUserAndCompositeScopesAreCheckedToo() {
    for (String scope : new String[] {"lobby", "$global", "$user", "cart.$client"}) {
      Compilation compilation = compile(component("Cart", scope, "long"), component("Header", scope, "double"));
      assertThat(compilation).hadErrorContaining(Messages.SHARED_TYPE_CONFLICT);
      assertThat(compilation).hadErrorCount(2);
    }
  }

  @Test
  void typeArgumentsMatter() {
    Compilation compilation = compile(
        component("Cart", "lobby", "java.util.List<String>"), component("Header", "lobby", "java.util.List<Integer>"));
    assertThat(compilation).hadErrorContaining(Messages.SHARED_TYPE_CONFLICT);
  }

  @Test
  void theSameTypeIsSharingAndPrimitivesMatchTheirBoxes() {
    assertThat(compile(component("Cart", "lobby", "String"), component("Header", "lobby", "java.lang.String")))
        .succeededWithoutWarnings();
    assertThat(compile(component("Cart", "$client", "int"), component("Header", "$client", "Integer")))
        .succeededWithoutWarnings();
  }

  @Test
  void componentScopesBelongToEachComponentAndDoNotConflict() {
    assertThat(compile(component("Cart", "$component", "int"), component("Header", "$component", "String")))
        .succeededWithoutWarnings();
  }
}
