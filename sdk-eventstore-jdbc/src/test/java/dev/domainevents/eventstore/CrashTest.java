package dev.domainevents.eventstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed (SIGKILL) in the middle of appending leaves each append whole or absent: a child
 * JVM appends batches to an H2 file database until it is killed, and every stream in the reopened
 * database has all of its batch or none of it.
 */
class CrashTest {
  @TempDir Path directory;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aKilledAppenderLeavesWholeAppendsOnly() throws Exception {
    // WRITE_DELAY=0: H2 writes each commit to the file at once, instead of up to 500 ms later, so
    // a batch the child reports committed is durable against the kill.
    String url = "jdbc:h2:file:" + directory.resolve("store").toAbsolutePath() + ";WRITE_DELAY=0";
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashAppender.class.getName(),
                url)
            .redirectErrorStream(true)
            .start();
    int committed = -1;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; committed < 5 && (line = out.readLine()) != null; ) {
        if (line.startsWith("committed ")) {
          committed = Integer.parseInt(line.substring("committed ".length()));
        }
      }
      child.destroyForcibly(); // SIGKILL, most likely in the middle of the next append
      assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
    } finally {
      child.destroyForcibly();
    }
    assertTrue(committed >= 5, "the child committed " + committed + " batches before dying");

    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL(url);
    try (Connection connection = h2.getConnection();
        Statement statement = connection.createStatement()) {
      int streams = 0;
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT aggregate_id, COUNT(*), MIN(stream_version), MAX(stream_version)"
                  + " FROM domain_event_store GROUP BY aggregate_id")) {
        while (rows.next()) {
          streams++;
          assertEquals(CrashAppender.BATCH, rows.getInt(2), rows.getString(1) + " is partial");
          assertEquals(1, rows.getLong(3));
          assertEquals(CrashAppender.BATCH, rows.getLong(4));
        }
      }
      assertTrue(streams > committed, "every batch reported committed survived the kill");
      statement.execute("SHUTDOWN");
    }
  }
}
