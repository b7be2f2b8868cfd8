package dev.domainevents.processor.schema;

import static com.google.common.truth.Truth.assertThat;
import static com.google.common.truth.Truth.assertWithMessage;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The verdict of every compatibility mode on the schema pairs of {@code compatibility/pairs.txt}:
 * the table in the README, "Evolving an event", made executable.
 */
class CompatibilityCorpusTest {
  private record Case(String name, List<Schema> old, Schema changed, Map<String, Boolean> expect) {}

  @Test
  void everyPairGetsItsVerdict() throws IOException {
    List<Case> cases = corpus();
    assertThat(cases.size()).isAtLeast(50);
    int verdicts = 0;
    for (Case c : cases) {
      for (Map.Entry<String, Boolean> expected : c.expect().entrySet()) {
        Compatibility mode = Compatibility.parse(expected.getKey());
        assertWithMessage("mode in case %s", c.name()).that(mode).isNotNull();
        List<Schema> against =
            mode.transitive() ? c.old() : List.of(c.old().get(c.old().size() - 1));
        List<String> problems = new ArrayList<>();
        for (Schema old : against) {
          problems.addAll(mode.problems(old, c.changed()));
        }
        assertWithMessage("%s under %s: %s", c.name(), mode, problems)
            .that(problems.isEmpty())
            .isEqualTo(expected.getValue());
        verdicts++;
      }
    }
    assertThat(verdicts).isAtLeast(150);
  }

  @Test
  void problemsNameThePathAndTheTypes() {
    Schema old = schema("amount: int");
    Schema changed = schema("amount: string");
    assertThat(Compatibility.BACKWARD.problems(old, changed))
        .containsExactly(
            "the new schema cannot read data written with the old one: amount is string but the"
                + " data has int");
    assertThat(Compatibility.NONE.problems(old, changed)).isEmpty();
  }

  @Test
  void lockFileTextRoundTrips() {
    LockFile lock = LockFile.empty();
    lock.record("Goods:Shopping", 1, schema("amount: int ; goodsId: int"));
    lock.record("Goods:Shopping", 1, schema("amount: int ; goodsId: int ; note?: string"));
    lock.record("Goods:Shopping", 2, schema("count: long ; goodsId: int"));
    lock.record("Goods:Restock", 1, schema("lines: list<object> ; lines[].sku: string"));
    String text = lock.format();
    assertThat(text)
        .endsWith(
            """

            event Goods:Restock
              version 1
                lines: list<object>
                lines[].sku: string

            event Goods:Shopping
              version 1
                amount: int
                goodsId: int
              version 1
                amount: int
                goodsId: int
                note?: string
              version 2
                count: long
                goodsId: int
            """);
    assertThat(LockFile.parse(text).format()).isEqualTo(text);
    assertThat(LockFile.parse(text).versions("Goods:Shopping").get(1)).hasSize(2);
    assertThat(lock.record("Goods:Shopping", 2, schema("count: long ; goodsId: int"))).isFalse();
  }

  @Test
  void malformedLockFileNamesTheLine() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LockFile.parse("event A:B\n  version 1\n    amount int\n"));
    assertThat(e).hasMessageThat().contains("line 3");
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> LockFile.parse("event A:B\n  version 2\n  version 1\n"));
    assertThat(e).hasMessageThat().contains("line 3");
  }

  private static List<Case> corpus() throws IOException {
    String text;
    try (InputStream in =
        CompatibilityCorpusTest.class.getResourceAsStream("/compatibility/pairs.txt")) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Case> cases = new ArrayList<>();
    String name = null;
    List<Schema> old = new ArrayList<>();
    Schema changed = null;
    for (String line : text.split("\n")) {
      if (line.startsWith("case ")) {
        name = line.substring(5);
        old = new ArrayList<>();
      } else if (line.startsWith("old:")) {
        old.add(schema(line.substring(4)));
      } else if (line.startsWith("new:")) {
        changed = schema(line.substring(4));
      } else if (line.startsWith("expect:")) {
        Map<String, Boolean> expect = new LinkedHashMap<>();
        for (String verdict : line.substring(7).split(",")) {
          String[] parts = verdict.strip().split(" ");
          expect.put(parts[0], parts[1].equals("ok"));
        }
        cases.add(new Case(name, old, changed, expect));
      }
    }
    return cases;
  }

  /** A schema from lock file lines separated by {@code " ; "}. */
  private static Schema schema(String fields) {
    Map<String, Schema.Field> map = new TreeMap<>();
    for (String field : fields.strip().split(" ; ")) {
      if (field.isBlank()) {
        continue;
      }
      int colon = field.indexOf(": ");
      String path = field.substring(0, colon);
      boolean optional = path.endsWith("?");
      map.put(
          optional ? path.substring(0, path.length() - 1) : path,
          new Schema.Field(field.substring(colon + 2), optional));
    }
    return Schema.of(map);
  }
}
