package dev.domainevents.processor.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Types;

/**
 * Makes the raises of one entity agree, name by name: one topic and version per name, and one
 * payload type. A payload declared with {@code @RaisesEvent} wins, and call sites may pass subtypes
 * of it; without one, every call site must show the same type.
 */
final class RaisedPayloadAgreement {
  private final Types types;

  RaisedPayloadAgreement(Types types) {
    this.types = types;
  }

  /** Returns one event per name that agrees, sorted by name; reports those that do not. */
  List<RaisedEvent> agree(List<Raise> raises) {
    Map<String, List<Raise>> byName = new TreeMap<>();
    for (Raise raise : raises) {
      byName.computeIfAbsent(raise.name(), k -> new ArrayList<>()).add(raise);
    }
    List<RaisedEvent> events = new ArrayList<>();
    for (Map.Entry<String, List<Raise>> entry : byName.entrySet()) {
      RaisedEvent event = agree(entry.getKey(), entry.getValue());
      if (event != null) {
        events.add(event);
      }
    }
    return events;
  }

  private RaisedEvent agree(String name, List<Raise> raises) {
    Raise declaration = declaration(name, raises);
    TypeElement payload = declaredPayload(name, raises);
    boolean explicit = payload != null;
    for (Raise raise : raises) {
      if (raise.declared() || raise.payload() == null) {
        continue;
      }
      if (payload == null) {
        payload = raise.payload();
      } else if (explicit
          ? !types.isAssignable(raise.payload().asType(), payload.asType())
          : !payload.equals(raise.payload())) {
        raise
            .spot()
            .report(Messages.PAYLOAD_CONFLICT, name, simple(raise.payload()), simple(payload));
      }
    }
    if (!explicit) {
      // Without a declared payload, every call site must show its type: one call passing an
      // expression of unknown type could pass anything.
      boolean unknown = false;
      for (Raise raise : raises) {
        boolean undetermined = raise.declared() ? payload == null : raise.payloadWritten() != null;
        if (undetermined) {
          raise
              .spot()
              .report(
                  Messages.PAYLOAD_UNKNOWN,
                  name,
                  raise.declared() ? "@RaisesEvent without payload" : raise.payloadWritten());
          unknown = true;
        }
      }
      if (unknown || payload == null) {
        return null;
      }
    }
    return new RaisedEvent(
        name,
        raises.get(0).methodName(),
        payload,
        declaration == null ? null : declaration.topic(),
        declaration == null ? 1 : declaration.version());
  }

  /** The first declaration of {@code name}; later ones must repeat its topic and version. */
  private static Raise declaration(String name, List<Raise> raises) {
    Raise declaration = null;
    for (Raise raise : raises) {
      if (!raise.declared()) {
        continue;
      }
      if (declaration == null) {
        declaration = raise;
      } else if (!Objects.equals(declaration.topic(), raise.topic())
          || declaration.version() != raise.version()) {
        raise
            .spot()
            .report(
                Messages.DECLARATION_CONFLICT,
                name,
                "topic "
                    + raise.topic()
                    + " version "
                    + raise.version()
                    + " vs topic "
                    + declaration.topic()
                    + " version "
                    + declaration.version());
      }
    }
    return declaration;
  }

  /**
   * The payload the declarations of {@code name} agree on, or {@code null} if none declares one.
   */
  private static TypeElement declaredPayload(String name, List<Raise> raises) {
    TypeElement payload = null;
    for (Raise raise : raises) {
      if (!raise.declared() || raise.payload() == null) {
        continue;
      }
      if (payload == null) {
        payload = raise.payload();
      } else if (!payload.equals(raise.payload())) {
        raise
            .spot()
            .report(Messages.PAYLOAD_CONFLICT, name, simple(raise.payload()), simple(payload));
      }
    }
    return payload;
  }

  private static String simple(TypeElement type) {
    return type.getSimpleName().toString();
  }
}
