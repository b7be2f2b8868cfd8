package dev.domainevents;

/** The plain {@link EventContext}: an envelope and an attempt number. */
record SimpleEventContext(EventEnvelope envelope, int attempt) implements EventContext {}
