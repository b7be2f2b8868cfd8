package dev.domainevents.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OutboxSchemaTest {
  @Test
  void splitsAtSemicolonsEndingALineAndDropsComments() {
    List<String> statements =
        OutboxSchema.statements(
            "-- a comment; with a semicolon\n"
                + "CREATE TABLE t (\n"
                + "  a INT -- inline\n"
                + ");\n\n"
                + "CREATE INDEX i ON t (a);\n");
    assertEquals(2, statements.size());
    assertTrue(statements.get(0).startsWith("CREATE TABLE t ("), statements.get(0));
    assertEquals("CREATE INDEX i ON t (a)", statements.get(1));
  }

  @Test
  void everyDialectShipsTheSameTables() {
    for (OutboxDialect dialect : OutboxDialect.values()) {
      String ddl = OutboxSchema.ddl(dialect);
      for (String table : TestDatabase.TABLES) {
        assertTrue(
            ddl.contains("CREATE TABLE IF NOT EXISTS " + table + " ("), dialect + " " + table);
      }
    }
  }
}
