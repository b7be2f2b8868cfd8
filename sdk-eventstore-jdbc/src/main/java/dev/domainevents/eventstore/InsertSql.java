package dev.domainevents.eventstore;

/**
 * The multi-row insert of an append, one statement for all its events, so that the database rejects
 * it as a whole. Built once per dialect and event count up to {@link #CACHED}.
 */
final class InsertSql {
  private static final int CACHED = 32;
  private static final String[][] CACHE = new String[EventStoreDialect.values().length][CACHED + 1];

  private InsertSql() {}

  static String of(EventStoreDialect dialect, int count) {
    if (count > CACHED) {
      return build(dialect, count);
    }
    String[] byCount = CACHE[dialect.ordinal()];
    String sql = byCount[count];
    if (sql == null) {
      sql = build(dialect, count); // racing threads build equal strings; either one may stay
      byCount[count] = sql;
    }
    return sql;
  }

  private static String build(EventStoreDialect dialect, int count) {
    StringBuilder row = new StringBuilder("(");
    for (int i = 0; i < StoreRows.INSERT_COLUMN_COUNT; i++) {
      row.append(i == 0 ? "?" : ", ?");
    }
    row.append(')');
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(StoreRows.TABLE)
            .append(" (")
            .append(StoreRows.INSERT_COLUMNS)
            .append(") VALUES ");
    for (int i = 0; i < count; i++) {
      sql.append(i == 0 ? "" : ", ").append(row);
    }
    if (dialect == EventStoreDialect.POSTGRESQL) {
      // A failed statement aborts a PostgreSQL transaction, so the conflict could not even be
      // looked into; skipping the taken version shows up as a short row count instead.
      sql.append(" ON CONFLICT (aggregate_type, aggregate_id, stream_version) DO NOTHING");
    }
    return sql.toString();
  }
}
