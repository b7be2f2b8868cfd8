package dev.domainevents.outbox;

/** A {@link TransactionChecker}'s verdict on a held transaction. */
public enum TransactionDecision {
  /** The business work committed: release the events to the relay. */
  COMMIT,
  /** The business work rolled back: drop the events. */
  ROLLBACK,
  /** Not known yet: ask again later, within the check retry strategy. */
  UNKNOWN
}
