package dev.domainevents;

import org.slf4j.MDC;

/** Puts the handled event's ids into SLF4J's MDC; see {@link EventInterceptors#logContext()}. */
final class LogContext implements EventInterceptor {
  static final LogContext INSTANCE = new LogContext();

  static final String EVENT_ID = "eventId";
  static final String EVENT_NAME = "eventName";
  static final String AGGREGATE_TYPE = "aggregateType";
  static final String AGGREGATE_ID = "aggregateId";
  static final String CORRELATION_ID = "correlationId";
  static final String CAUSATION_ID = "causationId";

  private LogContext() {}

  @Override
  public void handle(Delivery delivery, HandleStep next) throws Exception {
    EventEnvelope event = delivery.envelope();
    String eventId = MDC.get(EVENT_ID);
    String eventName = MDC.get(EVENT_NAME);
    String aggregateType = MDC.get(AGGREGATE_TYPE);
    String aggregateId = MDC.get(AGGREGATE_ID);
    String correlationId = MDC.get(CORRELATION_ID);
    String causationId = MDC.get(CAUSATION_ID);
    put(EVENT_ID, event.eventId().toString());
    put(EVENT_NAME, event.name());
    put(AGGREGATE_TYPE, event.aggregateType());
    put(AGGREGATE_ID, event.aggregateId());
    put(CORRELATION_ID, event.correlationId());
    put(CAUSATION_ID, event.causationId());
    try {
      next.handle();
    } finally {
      put(EVENT_ID, eventId);
      put(EVENT_NAME, eventName);
      put(AGGREGATE_TYPE, aggregateType);
      put(AGGREGATE_ID, aggregateId);
      put(CORRELATION_ID, correlationId);
      put(CAUSATION_ID, causationId);
    }
  }

  /** Sets {@code key}, or removes it for a {@code null} or empty value. */
  private static void put(String key, String value) {
    if (value == null || value.isEmpty()) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
