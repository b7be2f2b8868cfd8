package dev.domainevents.benchmarks;

import dev.domainevents.EventContext;
import dev.domainevents.EventHandler;
import dev.domainevents.dedupe.jdbc.JdbcDedupeStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The soak's handler. In the dedupe store's transaction it checks the account's last handled
 * sequence (an order violation if this one is not the next), moves it, and logs the effect in a
 * table without a unique key, so a repeated effect shows. One delivery in a hundred fails on its
 * first attempt after writing, so the rollback and the SDK's retry are exercised.
 */
public class SoakHandler {
  private final int failurePercent;

  /** A handler failing {@code failurePercent} percent of first attempts. */
  public SoakHandler(int failurePercent) {
    this.failurePercent = failurePercent;
  }

  @EventHandler("SoakAccount:Deposited")
  void onDeposited(SoakDeposit deposit, EventContext context) throws SQLException {
    Connection transaction = JdbcDedupeStore.connection(context);
    long last;
    try (PreparedStatement select =
        transaction.prepareStatement("SELECT last_seq FROM soak_account WHERE id = ? FOR UPDATE")) {
      select.setString(1, deposit.account());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException("unknown account " + deposit.account());
        }
        last = row.getLong(1);
      }
    }
    if (deposit.sequence() != last + 1) {
      try (PreparedStatement violation =
          transaction.prepareStatement(
              "INSERT INTO soak_violation (account, expected, got) VALUES (?, ?, ?)")) {
        violation.setString(1, deposit.account());
        violation.setLong(2, last + 1);
        violation.setLong(3, deposit.sequence());
        violation.executeUpdate();
      }
    }
    try (PreparedStatement update =
        transaction.prepareStatement("UPDATE soak_account SET last_seq = ? WHERE id = ?")) {
      update.setLong(1, Math.max(last, deposit.sequence()));
      update.setString(2, deposit.account());
      update.executeUpdate();
    }
    try (PreparedStatement effect =
        transaction.prepareStatement(
            "INSERT INTO soak_effect (event_id, account, seq) VALUES (?, ?, ?)")) {
      effect.setString(1, context.eventId().toString());
      effect.setString(2, deposit.account());
      effect.setLong(3, deposit.sequence());
      effect.executeUpdate();
    }
    if (context.attempt() == 1
        && Math.floorMod(context.eventId().hashCode(), 100) < failurePercent) {
      throw new IllegalStateException("soak: a planned handler failure, after writing");
    }
  }
}
