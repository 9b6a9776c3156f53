package dev.reactserver.state.tck;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.reactserver.state.runtime.StateId;
import dev.reactserver.state.runtime.spi.ResolvedScopes;
import dev.reactserver.state.runtime.spi.ScopeTemplate;
import org.junit.jupiter.api.Test;

/** The runtime's copy of the scope grammar and key escaping follows the shared table. */
class RuntimeGrammarTest {

  @Test
  void templatesParseAsTheTableSays() {
    assertThat(GrammarCases.templates()).isNotEmpty();
    for (GrammarCases.Template row : GrammarCases.templates()) {
      if (row.unknown().isEmpty()) {
        ScopeTemplate template = ScopeTemplate.parse(row.template());
        assertWithMessage(row.template()).that(template.usesClient()).isEqualTo(row.usesClient());
        assertWithMessage(row.template()).that(template.usesUser()).isEqualTo(row.usesUser());
        assertWithMessage(row.template()).that(template.usesComponent()).isEqualTo(row.usesComponent());
      } else {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> ScopeTemplate.parse(row.template()));
        assertThat(e).hasMessageThat().contains("'" + row.unknown().get(0) + "'");
      }
    }
  }

  @Test
  void idsEscapeToTheStoreKeysOfTheTable() {
    for (GrammarCases.Key row : GrammarCases.keys()) {
      assertThat(StateId.of(row.scope(), row.key()).storeKey()).isEqualTo(row.storeKey());
    }
  }

  @Test
  void ownerScopesAreClientsAsTheTableSays() {
    for (GrammarCases.Owner row : GrammarCases.owners()) {
      assertWithMessage(row.ownerScope()).that(ResolvedScopes.isClient(row.ownerScope())).isEqualTo(row.isClient());
    }
  }
}
