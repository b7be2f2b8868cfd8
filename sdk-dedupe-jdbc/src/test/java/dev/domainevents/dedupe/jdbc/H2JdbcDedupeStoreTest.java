package dev.domainevents.dedupe.jdbc;

import java.nio.file.Files;
import java.nio.file.Path;

/** The contract on an H2 file database, served over TCP so the consumer process shares it. */
class H2JdbcDedupeStoreTest extends JdbcDedupeStoreContract {
  @Override
  TestDatabase openDatabase() throws Exception {
    Path directory = Files.createDirectories(Path.of("target", "h2"));
    return TestDatabase.h2(Files.createTempDirectory(directory, "dedupe-").toAbsolutePath());
  }
}
