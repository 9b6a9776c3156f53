package dev.reactserver.state.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link StoreSetupException} into Spring Boot's startup report. */
final class StoreSetupFailureAnalyzer extends AbstractFailureAnalyzer<StoreSetupException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, StoreSetupException cause) {
    return new FailureAnalysis(cause.description(), cause.action(), cause);
  }
}
