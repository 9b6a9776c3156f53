package dev.reactserver.state.runtime;

import static com.google.common.truth.Truth.assertThat;

import dev.reactserver.state.runtime.scope.OwnerScopes;
import dev.reactserver.state.runtime.spi.ScopeTemplate;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Scope resolution is injective: a resolved scope can be read back into the template it came from and
 * the ids substituted into it, so two different (template, client, user, component) meanings can never
 * share a resolved scope. Templates and ids are drawn from the characters that could confuse a naive
 * encoding: {@code $ : . ( ) [ ] \}, spaces, unicode, and text that spells placeholders.
 */
class ScopeResolutionPropertyTest {

  private static final String[] ID_PIECES = {
      "a", "b", "0", "$", ":", ".", "(", ")", "[", "]", "\\", " ", "é", "😀", "$client", "$client(x)",
      "$user", "$server", "$global", "$component(", ")\\", "\\)", "server"};
  private static final String[] TEMPLATE_PIECES = {
      "$client", "$user", "$component", "$global", "a", "cart", ".", ":", "(", ")", "[", "]", "\\", " ",
      "é", "😀", "$", "$.", "$(", "-", "_", "0"};

  record Meaning(String template, String client, String user, String component) {}

  @Property(tries = 3000)
  void resolvedScopeReadsBackIntoItsTemplateAndIds(@ForAll("meanings") Meaning meaning) {
    ScopeTemplate template = ScopeTemplate.parse(meaning.template());

    String resolved = template.resolve(meaning.client(), meaning.user(), meaning.component());

    assertThat(unresolve(resolved)).isEqualTo(meaning.template());
    assertThat(OwnerScopes.ownerScopes(resolved)).containsExactlyElementsIn(substitutedOwners(meaning)).inOrder();
  }

  @Property(tries = 3000)
  void differentMeaningsNeverShareAScope(@ForAll("meanings") Meaning first, @ForAll("meanings") Meaning second) {
    String a = ScopeTemplate.parse(first.template()).resolve(first.client(), first.user(), first.component());
    String b = ScopeTemplate.parse(second.template()).resolve(second.client(), second.user(), second.component());

    Statistics.label("same scope").collect(a.equals(b));
    if (a.equals(b)) {
      assertThat(relevant(first)).isEqualTo(relevant(second));
    }
    // The check above must run often enough to mean something.
    Statistics.label("same scope").coverage(coverage -> coverage.check(true).count(n -> n >= 30));
  }

  @Provide
  Arbitrary<Meaning> meanings() {
    Arbitrary<String> templates = Arbitraries.of(TEMPLATE_PIECES).list().ofMinSize(1).ofMaxSize(5)
        .map(pieces -> String.join("", pieces))
        .filter(ScopeResolutionPropertyTest::parses);
    Arbitrary<String> ids = Arbitraries.of(ID_PIECES).list().ofMinSize(1).ofMaxSize(4)
        .map(pieces -> String.join("", pieces));
    return Combinators.combine(templates, ids.injectNull(0.2), ids, ids).as(Meaning::new);
  }

  /** The meaning with the ids that the template does not use left out. */
  private static Meaning relevant(Meaning meaning) {
    ScopeTemplate template = ScopeTemplate.parse(meaning.template());
    return new Meaning(meaning.template(),
        template.usesClient() ? String.valueOf(meaning.client()) : null,
        template.usesUser() ? meaning.user() : null,
        template.usesComponent() ? meaning.component() : null);
  }

  /** The owner scope of each id the template substituted, in order (the server pseudo-client has none). */
  private static List<String> substitutedOwners(Meaning meaning) {
    List<String> owners = new ArrayList<>();
    String template = meaning.template();
    for (int i = template.indexOf('$'); i >= 0; i = template.indexOf('$', i + 1)) {
      if (startsWithWord(template, i, OwnerScopes.CLIENT) && meaning.client() != null) {
        owners.add(OwnerScopes.ownerScope(OwnerScopes.Placeholder.CLIENT, meaning.client()));
      } else if (startsWithWord(template, i, OwnerScopes.USER)) {
        owners.add(OwnerScopes.ownerScope(OwnerScopes.Placeholder.USER, meaning.user()));
      } else if (startsWithWord(template, i, OwnerScopes.COMPONENT)) {
        owners.add(OwnerScopes.ownerScope(OwnerScopes.Placeholder.COMPONENT, meaning.component()));
      }
    }
    return owners;
  }

  /** A left inverse of resolution, written independently of it: substitutions back to placeholders. */
  private static String unresolve(String resolved) {
    StringBuilder template = new StringBuilder();
    int i = 0;
    while (i < resolved.length()) {
      String marker = markerAt(resolved, i);
      if (marker == null) {
        template.append(resolved.charAt(i++));
      } else if (marker.equals(OwnerScopes.SERVER_CLIENT)) {
        template.append(OwnerScopes.CLIENT);
        i += marker.length();
      } else {
        template.append(marker);
        i += marker.length() + 1; // the marker and '('
        while (resolved.charAt(i) != ')') {
          i += resolved.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
      }
    }
    return template.toString();
  }

  private static String markerAt(String resolved, int i) {
    for (String marker : List.of(OwnerScopes.CLIENT, OwnerScopes.USER, OwnerScopes.COMPONENT)) {
      if (resolved.startsWith(marker + "(", i)) {
        return marker;
      }
    }
    return resolved.startsWith(OwnerScopes.SERVER_CLIENT, i) ? OwnerScopes.SERVER_CLIENT : null;
  }

  /** Whether the placeholder {@code word} starts at {@code i}: words are ASCII letters, digits and '_'. */
  private static boolean startsWithWord(String text, int i, String word) {
    int end = i + word.length();
    if (!text.startsWith(word, i) || end == text.length()) {
      return text.startsWith(word, i);
    }
    char next = text.charAt(end);
    return !((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || (next >= '0' && next <= '9')
        || next == '_');
  }

  private static boolean parses(String template) {
    try {
      ScopeTemplate.parse(template);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
