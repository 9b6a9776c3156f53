package dev.reactserver.state.processor.diagnostics;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports errors at the most precise place: the annotation value if the value is wrong, else the
 * annotated element. Counts errors so callers can tell whether a piece of work is clean.
 */
public final class Reporter {

  private final Messager messager;
  private int errorCount;

  public Reporter(Messager messager) {
    this.messager = messager;
  }

  public void error(Element element, String message) {
    errorCount++;
    messager.printMessage(Diagnostic.Kind.ERROR, message, element);
  }

  public void error(Element element, AnnotationMirror annotation, AnnotationValue value, String message) {
    errorCount++;
    messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation, value);
  }

  /** How many errors this reporter has reported so far. */
  public int errorCount() {
    return errorCount;
  }
}
