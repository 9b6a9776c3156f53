package dev.reactserver.state.processor.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The placeholder grammar of scope templates, as the runtime parses it: a placeholder is {@code $}
 * followed by a letter or {@code _} and then letters, digits and {@code _}; only {@code $client},
 * {@code $user}, {@code $component} and {@code $global} exist.
 */
final class ScopeSyntax {

  static final List<String> PLACEHOLDERS = List.of("$client", "$user", "$component", "$global");

  private ScopeSyntax() {}

  /** Every placeholder in {@code scope} that is not one of {@link #PLACEHOLDERS}, in order. */
  static List<String> unknownPlaceholders(String scope) {
    List<String> unknown = new ArrayList<>(placeholders(scope));
    unknown.removeAll(PLACEHOLDERS);
    return unknown;
  }

  /** Whether {@code scope} substitutes the user's id, so that its states need a signed-in user. */
  static boolean usesUser(String scope) {
    return placeholders(scope).contains("$user");
  }

  /** Every placeholder in {@code scope}, known or not, in order. */
  private static List<String> placeholders(String scope) {
    List<String> words = new ArrayList<>();
    int i = 0;
    while (i < scope.length()) {
      if (scope.charAt(i) == '$' && i + 1 < scope.length() && isWordStart(scope.charAt(i + 1))) {
        int end = i + 2;
        while (end < scope.length() && isWordPart(scope.charAt(end))) {
          end++;
        }
        words.add(scope.substring(i, end));
        i = end;
      } else {
        i++;
      }
    }
    return words;
  }

  /** The known placeholder {@code word} was most likely meant to be, or null if none is close. */
  static String suggestion(String word) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : PLACEHOLDERS) {
      int distance = distance(word.toLowerCase(Locale.ROOT), candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return bestDistance <= Math.max(1, best.length() / 3) ? best : null;
  }

  /** Optimal string alignment distance: edits, counting a swap of neighbours as one. */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }

  private static boolean isWordStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isWordPart(char c) {
    return isWordStart(c) || (c >= '0' && c <= '9');
  }
}
