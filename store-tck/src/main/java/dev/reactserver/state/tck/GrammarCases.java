package dev.reactserver.state.tck;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one table of cases for the scope grammar and key escaping ({@code scope-grammar.tsv} beside this
 * class), which every copy of them runs in its tests: the runtime, the annotation processor and the
 * Redis scripts. A change to the grammar fails a test unless every copy follows.
 */
public final class GrammarCases {

  /** A scope template: the placeholders a parser must reject, and those it must find. */
  public record Template(String template, List<String> unknown, boolean usesClient, boolean usesUser,
      boolean usesComponent) {}

  /** A state id and the store key it escapes to ({@code '\'} and {@code ':'} escaped by {@code '\'}). */
  public record Key(String scope, String key, String storeKey) {}

  /** An owner scope, and whether it is a client's. */
  public record Owner(String ownerScope, boolean isClient) {}

  private static final List<String[]> ROWS = read();

  private GrammarCases() {}

  public static List<Template> templates() {
    List<Template> templates = new ArrayList<>();
    for (String[] row : rows("template")) {
      List<String> uses = Arrays.asList(row[3].split(","));
      templates.add(new Template(row[1], row[2].equals("-") ? List.of() : List.of(row[2].split(",")),
          uses.contains("client"), uses.contains("user"), uses.contains("component")));
    }
    return templates;
  }

  public static List<Key> keys() {
    return rows("key").stream().map(row -> new Key(row[1], row[2], row[3])).toList();
  }

  public static List<Owner> owners() {
    return rows("owner").stream().map(row -> new Owner(row[1], Boolean.parseBoolean(row[2]))).toList();
  }

  private static List<String[]> rows(String kind) {
    return ROWS.stream().filter(row -> row[0].equals(kind)).toList();
  }

  private static List<String[]> read() {
    try (InputStream in = GrammarCases.class.getResourceAsStream("scope-grammar.tsv")) {
      if (in == null) {
        throw new IllegalStateException("scope-grammar.tsv is missing beside " + GrammarCases.class);
      }
      List<String[]> rows = new ArrayList<>();
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        if (!line.isEmpty() && !line.startsWith("#")) {
          rows.add(line.split("\t", -1));
        }
      }
      return List.copyOf(rows);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
