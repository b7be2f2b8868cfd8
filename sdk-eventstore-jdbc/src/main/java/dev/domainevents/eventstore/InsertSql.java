package dev.domainevents.eventstore;

/**
 * The multi-row insert of an append, one statement for all its events, so that the database rejects
 * it as a whole. Built once per dialect, event count up to {@link #CACHED} and guard.
 *
 * <p>On PostgreSQL, an append at an expected version above 0 is <em>guarded</em>: the rows are
 * inserted only if the stream has an event at the expected version ({@code WHERE EXISTS}, three
 * parameters bound after the rows'), which saves the round trip of a separate check; fewer rows
 * inserted than given means a conflict.
 */
final class InsertSql {
  private static final int CACHED = 32;
  private static final String[][] CACHE = new String[EventStoreDialect.values().length][CACHED + 1];
  private static final String[] GUARDED = new String[CACHED + 1];

  /** The guard's condition: an event at the expected version; parameters type, id, version. */
  private static final String GUARD =
      " WHERE EXISTS (SELECT 1 FROM "
          + StoreRows.TABLE
          + " WHERE aggregate_type = ? AND aggregate_id = ? AND stream_version = ?)";

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

  /** The guarded insert of {@code count} rows, for PostgreSQL only; see the class comment. */
  static String guarded(int count) {
    if (count > CACHED) {
      return buildGuarded(count);
    }
    String sql = GUARDED[count];
    if (sql == null) {
      sql = buildGuarded(count);
      GUARDED[count] = sql;
    }
    return sql;
  }

  private static String buildGuarded(int count) {
    // The driver types each parameter (setString as varchar, setLong as bigint, ...), so the
    // VALUES list needs no casts.
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(StoreRows.TABLE)
            .append(" (")
            .append(StoreRows.INSERT_COLUMNS)
            .append(") SELECT * FROM (VALUES ");
    appendRows(sql, count);
    return sql.append(") AS appended")
        .append(GUARD)
        .append(" ON CONFLICT (aggregate_type, aggregate_id, stream_version) DO NOTHING")
        .toString();
  }

  private static void appendRows(StringBuilder sql, int count) {
    StringBuilder row = new StringBuilder("(");
    for (int i = 0; i < StoreRows.INSERT_COLUMN_COUNT; i++) {
      row.append(i == 0 ? "?" : ", ?");
    }
    row.append(')');
    for (int i = 0; i < count; i++) {
      sql.append(i == 0 ? "" : ", ").append(row);
    }
  }

  private static String build(EventStoreDialect dialect, int count) {
    StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(StoreRows.TABLE)
            .append(" (")
            .append(StoreRows.INSERT_COLUMNS)
            .append(") VALUES ");
    appendRows(sql, count);
    if (dialect == EventStoreDialect.POSTGRESQL) {
      // A failed statement aborts a PostgreSQL transaction, so the conflict could not even be
      // looked into; skipping the taken version shows up as a short row count instead.
      sql.append(" ON CONFLICT (aggregate_type, aggregate_id, stream_version) DO NOTHING");
    }
    return sql.toString();
  }
}
