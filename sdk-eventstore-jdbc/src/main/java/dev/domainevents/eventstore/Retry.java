package dev.domainevents.eventstore;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs a command again when it loses a race for a stream, a bounded number of times.
 *
 * <pre>{@code
 * Retry.onConflict(3, () -> inTransaction(connection -> {
 *   Goods goods = repository.load(connection, "sku-1");
 *   goods.sell(2);
 *   repository.save(connection, goods);
 *   return null;
 * }));
 * }</pre>
 *
 * <p>Each attempt must load the aggregate afresh and run in a new transaction: the one that lost
 * the race must have been rolled back.
 */
public final class Retry {
  /** Most attempts {@link #onConflict} accepts: a stream that busy needs another design. */
  public static final int MAX_ATTEMPTS = 100;

  private Retry() {}

  /** A command that loads, changes and saves aggregates in a transaction of its own. */
  @FunctionalInterface
  public interface Command<T> {
    /** Runs the command once. */
    T run() throws SQLException;
  }

  /**
   * Runs {@code command}, and runs it again after each {@link ConcurrencyConflictException}, up to
   * {@code maxAttempts} runs in all.
   *
   * @throws ConcurrencyConflictException from the last attempt, with the earlier ones suppressed
   */
  public static <T> T onConflict(int maxAttempts, Command<T> command) throws SQLException {
    Objects.requireNonNull(command, "command");
    if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
      throw new IllegalArgumentException(
          "maxAttempts must be within 1.." + MAX_ATTEMPTS + ", was " + maxAttempts);
    }
    List<ConcurrencyConflictException> earlier = new ArrayList<>();
    for (int attempt = 1; ; attempt++) {
      try {
        return command.run();
      } catch (ConcurrencyConflictException e) {
        if (attempt == maxAttempts) {
          for (ConcurrencyConflictException before : earlier) {
            if (before != e) {
              e.addSuppressed(before);
            }
          }
          throw e;
        }
        earlier.add(e);
      }
    }
  }
}
