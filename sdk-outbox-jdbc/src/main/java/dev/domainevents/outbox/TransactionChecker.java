package dev.domainevents.outbox;

/**
 * Decides the fate of a transaction held longer than its timeout, typically because the process
 * that began it died before committing or rolling it back. Ask the system of record whether the
 * business work happened.
 *
 * <p>A {@link TransactionDecision#COMMIT} or {@link TransactionDecision#ROLLBACK} is carried out at
 * once and is final: a later {@code commit} or {@code rollback} of that transaction fails. An
 * {@link TransactionDecision#UNKNOWN} answer, or an exception, is asked again as the check retry
 * strategy says; when its attempts are used up the transaction is kept as failed, with the reason,
 * for an operator to commit or roll back. Nothing is retried forever.
 */
@FunctionalInterface
public interface TransactionChecker {
  /** Returns what to do with {@code transaction}. */
  TransactionDecision check(HeldTransaction transaction) throws Exception;
}
