package dev.reactserver.state.processor.validation;

import com.sun.source.tree.AnnotationTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.source.util.Trees;
import dev.reactserver.state.processor.diagnostics.Messages;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Finds {@code @State} fields in local and anonymous classes, which javac never hands to processors
 * (their annotations sit inside method bodies), so that they fail the build instead of being ignored.
 * Works on syntax: at this point javac has not attributed method bodies yet.
 */
public final class LocalStateScanner {

  private static final String PACKAGE = "dev.reactserver.state";

  private final Trees trees;

  public LocalStateScanner(Trees trees) {
    this.trees = trees;
  }

  /** Reports each {@code @State} field of a local or anonymous class in {@code roots}; returns how many. */
  public int scan(Set<? extends Element> roots) {
    int found = 0;
    for (Element root : roots) {
      TreePath path = trees.getPath(root);
      if (path != null) {
        Scanner scanner = new Scanner(path.getCompilationUnit());
        scanner.scan(path, null);
        found += scanner.found;
      }
    }
    return found;
  }

  private final class Scanner extends TreePathScanner<Void, Void> {
    private final CompilationUnitTree unit;
    private boolean insideLocalClass;
    int found;

    Scanner(CompilationUnitTree unit) {
      this.unit = unit;
    }

    @Override
    public Void visitClass(ClassTree node, Void unused) {
      boolean wasInside = insideLocalClass;
      Tree parent = getCurrentPath().getParentPath().getLeaf();
      insideLocalClass = wasInside || !(parent instanceof CompilationUnitTree || parent instanceof ClassTree);
      try {
        if (insideLocalClass) {
          reportStateFields(node);
        }
        return super.visitClass(node, unused);
      } finally {
        insideLocalClass = wasInside;
      }
    }

    private void reportStateFields(ClassTree node) {
      for (Tree member : node.getMembers()) {
        if (member instanceof VariableTree field) {
          for (AnnotationTree annotation : field.getModifiers().getAnnotations()) {
            if (isStateAnnotation(annotation.getAnnotationType().toString())) {
              found++;
              trees.printMessage(Diagnostic.Kind.ERROR,
                  Messages.localComponent(field.getName().toString()), annotation, unit);
            }
          }
        }
      }
    }

    /** Whether the annotation as written refers to {@code dev.reactserver.state.State}. */
    private boolean isStateAnnotation(String written) {
      if (written.equals(PACKAGE + ".State")) {
        return true;
      }
      if (!written.equals("State")) {
        return false;
      }
      if (unit.getPackageName() != null && unit.getPackageName().toString().equals(PACKAGE)) {
        return true;
      }
      for (ImportTree anImport : unit.getImports()) {
        String imported = anImport.getQualifiedIdentifier().toString();
        if (!anImport.isStatic() && (imported.equals(PACKAGE + ".State") || imported.equals(PACKAGE + ".*"))) {
          return true;
        }
      }
      return false;
    }
  }
}
