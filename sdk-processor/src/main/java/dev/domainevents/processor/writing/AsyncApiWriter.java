package dev.domainevents.processor.writing;

import dev.domainevents.processor.model.EntityModel;
import dev.domainevents.processor.model.EventModel;
import dev.domainevents.processor.model.GeneratedNames;
import dev.domainevents.processor.model.HandlerModel;
import dev.domainevents.processor.model.RegistryModel;
import dev.domainevents.processor.schema.JsonSchemas;
import dev.domainevents.processor.schema.Schema;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Element;

/**
 * Writes the compilation's event catalog, {@value GeneratedNames#ASYNCAPI_FILE}, an AsyncAPI 3.0
 * document: channels are topics, messages are events with the envelope headers and the JSON Schema
 * of their payload (from the canonical schema of the lock file), operations are the events the
 * entities send and the handler methods that receive them. Keys are sorted: the text is stable.
 *
 * <p>Internal to the processor; not an API.
 */
public final class AsyncApiWriter {
  /**
   * The envelope headers of a domain event on Kafka. They mirror {@code EnvelopeHeaders} of
   * sdk-kafka-infra, which the processor does not depend on.
   */
  private static final List<String[]> HEADERS =
      List.of(
          new String[] {"de-event-id", "uuid", "required"},
          new String[] {"de-event-name", "", "required"},
          new String[] {"de-aggregate-type", "", ""},
          new String[] {"de-aggregate-id", "", ""},
          new String[] {"de-occurred-at", "date-time", "required"},
          new String[] {"de-correlation-id", "", "required"},
          new String[] {"de-causation-id", "", ""},
          new String[] {"de-schema-version", "", ""});

  private final Filer filer;

  /** A writer to {@code filer}'s class output. */
  public AsyncApiWriter(Filer filer) {
    this.filer = filer;
  }

  /** Writes the document of {@code registry}, with the payload schemas by event name. */
  public void write(RegistryModel registry, Map<String, Schema> schemas) {
    List<Element> origins = new ArrayList<>();
    registry.entities().forEach(e -> origins.add(e.element()));
    registry.handlers().forEach(h -> origins.add(h.element()));
    SourceWriter.writeResource(
        filer, GeneratedNames.ASYNCAPI_FILE, Yaml.write(document(registry, schemas)), origins);
  }

  static Map<String, Object> document(RegistryModel registry, Map<String, Schema> schemas) {
    Map<String, EventModel> events = new TreeMap<>();
    Map<String, EntityModel> entityOf = new TreeMap<>();
    for (EntityModel entity : registry.entities()) {
      for (EventModel event : entity.events()) {
        events.put(event.name(), event);
        entityOf.put(event.name(), entity);
      }
    }
    Map<String, Object> channels = new TreeMap<>();
    Map<String, Object> messages = new TreeMap<>();
    Map<String, Object> operations = new TreeMap<>();
    for (EventModel event : events.values()) {
      String id = messageId(event.name());
      Map<String, Object> channel =
          castMap(channels.computeIfAbsent(event.topic(), t -> newChannel(t)));
      castMap(channel.get("messages")).put(id, ref("#/components/messages/" + id));
      Map<String, Object> message = new LinkedHashMap<>();
      message.put("name", event.name());
      message.put("title", event.name() + ", version " + event.version());
      message.put("summary", "Raised by " + entityOf.get(event.name()).entity().canonicalName());
      message.put("contentType", "application/json");
      message.put("headers", headers());
      Schema schema = schemas.get(event.name());
      message.put("payload", schema == null ? Map.of("type", "object") : JsonSchemas.of(schema));
      message.put("x-schema-version", event.version());
      message.put("x-payload-class", event.payload().canonicalName());
      messages.put(id, message);
      Map<String, Object> send = new LinkedHashMap<>();
      send.put("action", "send");
      send.put("channel", ref(channelRef(event.topic())));
      send.put("messages", List.of(ref(channelRef(event.topic()) + "/messages/" + id)));
      operations.put(id + ".send", send);
    }
    for (HandlerModel handler : registry.handlers()) {
      for (HandlerModel.Method method : handler.methods()) {
        EventModel event = method.topic() ? null : events.get(method.key());
        if (!method.topic() && event == null) {
          continue; // an event of another module: its own catalog describes it
        }
        String topic = method.topic() ? method.key() : event.topic();
        Map<String, Object> channel = castMap(channels.computeIfAbsent(topic, t -> newChannel(t)));
        Map<String, Object> receive = new LinkedHashMap<>();
        receive.put("action", "receive");
        receive.put("channel", ref(channelRef(topic)));
        if (event != null) {
          receive.put(
              "messages", List.of(ref(channelRef(topic) + "/messages/" + messageId(event.name()))));
        } else {
          channel.put("description", "A plain topic, decoded as " + method.payload());
        }
        operations.put(handler.handler().simpleName() + "." + method.methodName(), receive);
      }
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("title", registry.registry().canonicalName());
    info.put("version", "1.0.0");
    info.put(
        "description",
        "The domain events of this module: generated by sdk-processor at compile time.");
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("asyncapi", "3.0.0");
    document.put("info", info);
    document.put("defaultContentType", "application/json");
    document.put("channels", channels);
    document.put("operations", operations);
    document.put("components", Map.of("messages", messages));
    return document;
  }

  /** An id AsyncAPI accepts as a component key: {@code Goods:Shopping} → {@code Goods.Shopping}. */
  static String messageId(String eventName) {
    return eventName.replace(':', '.');
  }

  private static Map<String, Object> newChannel(String topic) {
    Map<String, Object> channel = new LinkedHashMap<>();
    channel.put("address", topic);
    channel.put("messages", new TreeMap<String, Object>());
    return channel;
  }

  private static String channelRef(String topic) {
    // JSON Pointer: '~' and '/' are escaped; Kafka topics have neither.
    return "#/channels/" + topic;
  }

  private static Map<String, Object> ref(String target) {
    return Map.of("$ref", target);
  }

  private static Map<String, Object> headers() {
    Map<String, Object> properties = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (String[] header : HEADERS) {
      Map<String, Object> property = new LinkedHashMap<>();
      property.put("type", "string");
      if (!header[1].isEmpty()) {
        property.put("format", header[1]);
      }
      properties.put(header[0], property);
      if (!header[2].isEmpty()) {
        required.add(header[0]);
      }
    }
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("type", "object");
    headers.put("properties", properties);
    headers.put("required", required);
    return headers;
  }

  @SuppressWarnings("unchecked") // every map in the document is a Map<String, Object>
  private static Map<String, Object> castMap(Object map) {
    return (Map<String, Object>) map;
  }
}
