package dev.domainevents.amqp;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The ids of the last {@code maxEntries} events this process handled, oldest forgotten first: a
 * redelivery after a lost acknowledgement is skipped. It lives in one process, so a redelivery to
 * another instance of the service is handled again; handlers stay idempotent for that case.
 */
final class HandledEvents {
  private final Map<UUID, Boolean> handled;

  HandledEvents(int maxEntries) {
    this.handled =
        new LinkedHashMap<>(Math.min(maxEntries, 1 << 16), 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<UUID, Boolean> eldest) {
            return size() > maxEntries;
          }
        };
  }

  synchronized boolean contains(UUID eventId) {
    return handled.containsKey(eventId);
  }

  synchronized void add(UUID eventId) {
    handled.put(eventId, Boolean.TRUE);
  }
}
