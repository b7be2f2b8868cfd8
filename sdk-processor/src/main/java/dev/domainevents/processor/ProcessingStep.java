package dev.domainevents.processor;

/**
 * One step of a round. The processor registers its steps in one list, in a fixed order (discover
 * entities, discover the events they raise, discover handlers, discover upcasters, cross-check,
 * check schemas, write), and runs every round through them; each step reads what the earlier ones
 * left in the {@link Round}.
 */
interface ProcessingStep {
  /** Runs this step on {@code round}. */
  void process(Round round);
}
