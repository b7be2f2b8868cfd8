package dev.domainevents.outbox;

import dev.domainevents.EventEnvelope;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A transaction of {@link TransactionalMessages}: events held until it is committed or rolled back.
 *
 * @param id the transaction's id; pass it to {@link TransactionalMessages#commit} or {@link
 *     TransactionalMessages#rollback}
 * @param createdAt when it began
 * @param checkAttempts how many times the checker has been asked so far
 * @param lastError why the checker could not decide the last time, or {@code null}
 * @param events the held events, in raise order
 */
public record HeldTransaction(
    long id, Instant createdAt, int checkAttempts, String lastError, List<EventEnvelope> events) {
  /** Copies the events. */
  public HeldTransaction {
    Objects.requireNonNull(createdAt, "createdAt");
    events = List.copyOf(events);
  }
}
