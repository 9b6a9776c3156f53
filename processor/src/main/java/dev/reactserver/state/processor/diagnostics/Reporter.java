package dev.reactserver.state.processor.diagnostics;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Reports errors at the most precise place: the annotation value if the value is wrong, else the
 * annotated element. Counts errors so callers can tell whether a piece of work is clean. Views made by
 * {@link #redirectedTo} and {@link #muted} share the count.
 */
public final class Reporter {

  private final Messager messager;
  private final int[] errorCount;
  /** Where every error goes instead of its own element, or null. */
  private final Element redirect;
  private final boolean muted;

  public Reporter(Messager messager) {
    this(messager, new int[1], null, false);
  }

  private Reporter(Messager messager, int[] errorCount, Element redirect, boolean muted) {
    this.messager = messager;
    this.errorCount = errorCount;
    this.redirect = redirect;
    this.muted = muted;
  }

  /** A view that reports every error on {@code target}: for elements read from class files, which have no position. */
  public Reporter redirectedTo(Element target) {
    return new Reporter(messager, errorCount, target, muted);
  }

  /** A view that counts errors without printing them: for errors already reported elsewhere. */
  public Reporter muted() {
    return new Reporter(messager, errorCount, redirect, true);
  }

  public void error(Element element, String message) {
    errorCount[0]++;
    if (!muted) {
      messager.printMessage(Diagnostic.Kind.ERROR, message, redirect != null ? redirect : element);
    }
  }

  public void error(Element element, AnnotationMirror annotation, AnnotationValue value, String message) {
    if (redirect != null) {
      error(element, message);
      return;
    }
    errorCount[0]++;
    if (!muted) {
      messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation, value);
    }
  }

  /** How many errors this reporter and its views have reported so far. */
  public int errorCount() {
    return errorCount[0];
  }
}
