package dev.domainevents.dedupe.jdbc;

import org.junit.jupiter.api.Tag;

/** The contract on MariaDB at 127.0.0.1:3306, in a private database. */
@Tag("mariadb")
class MariaDbJdbcDedupeStoreTest extends JdbcDedupeStoreContract {
  @Override
  TestDatabase openDatabase() throws Exception {
    return TestDatabase.mariadb();
  }
}
