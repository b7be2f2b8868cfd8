package dev.domainevents.dedupe.jdbc;

import org.junit.jupiter.api.Tag;

/** The contract on PostgreSQL at 127.0.0.1:5432, in a private schema. */
@Tag("postgres")
class PostgresJdbcDedupeStoreTest extends JdbcDedupeStoreContract {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.postgres();
  }
}
