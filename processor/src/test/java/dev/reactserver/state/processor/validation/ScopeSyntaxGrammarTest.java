package dev.reactserver.state.processor.validation;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;

import dev.reactserver.state.tck.GrammarCases;
import org.junit.jupiter.api.Test;

/** The processor's copy of the scope grammar follows the table the runtime and the Redis scripts run. */
class ScopeSyntaxGrammarTest {

  @Test
  void placeholdersAreFoundAsTheTableSays() {
    assertThat(GrammarCases.templates()).isNotEmpty();
    for (GrammarCases.Template row : GrammarCases.templates()) {
      assertWithMessage(row.template()).that(ScopeSyntax.unknownPlaceholders(row.template()))
          .containsExactlyElementsIn(row.unknown()).inOrder();
      if (row.unknown().isEmpty()) {
        assertWithMessage(row.template()).that(ScopeSyntax.usesUser(row.template())).isEqualTo(row.usesUser());
      }
    }
  }
}
