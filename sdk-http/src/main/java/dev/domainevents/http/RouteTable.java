package dev.domainevents.http;

import dev.domainevents.EventType;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventNames;
import dev.domainevents.spi.EventRegistry;
import dev.domainevents.spi.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Which events the proxy forwards, from which topic, to which path: the seed's {@code
 * ListenEvent(topic, route)}, as properties. Per event (or plain topic) {@code <name>.route} is the
 * path, {@code <name>.topic} the topic of an event (its default topic when absent), and {@code
 * <name>.cluster} the named Kafka cluster to consume it from (the default one when absent):
 *
 * <pre>
 * Goods\:Shopping.topic=goods-shopping
 * Goods\:Shopping.route=/events/Goods:Shopping
 * event-sell.route=/events/event-sell
 * </pre>
 *
 * <p>sdk-processor writes such a table from the service's handlers to {@value #RESOURCE}.
 */
final class RouteTable {
  /** Where sdk-processor writes the table of a service's handlers. */
  static final String RESOURCE = "META-INF/domainevents/http-routes.properties";

  private static final String ROUTE = ".route";
  private static final String TOPIC = ".topic";
  private static final String CLUSTER = ".cluster";

  /**
   * One forwarded event or plain topic.
   *
   * @param name an event name, or a plain topic
   * @param topic the topic its records are read from
   * @param path the path it is POSTed to, starting with {@code /}
   * @param cluster the named cluster its topic is consumed from, or {@code null} for the default
   */
  record Route(String name, String topic, String path, String cluster) {}

  private final List<Route> routes;

  private RouteTable(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  /**
   * Reads a table.
   *
   * @throws IllegalArgumentException naming the first bad key or value
   */
  static RouteTable parse(Properties properties) {
    Map<String, String> paths = new TreeMap<>();
    Map<String, String> topics = new TreeMap<>();
    Map<String, String> clusters = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key).trim();
      if (key.endsWith(ROUTE)) {
        paths.put(key.substring(0, key.length() - ROUTE.length()), value);
      } else if (key.endsWith(TOPIC)) {
        topics.put(key.substring(0, key.length() - TOPIC.length()), value);
      } else if (key.endsWith(CLUSTER)) {
        clusters.put(key.substring(0, key.length() - CLUSTER.length()), value);
      } else {
        throw new IllegalArgumentException(
            "route table key \""
                + key
                + "\" ends in none of "
                + ROUTE
                + ", "
                + TOPIC
                + " and "
                + CLUSTER);
      }
    }
    Map<String, String> settings = new TreeMap<>(topics);
    settings.putAll(clusters);
    for (String name : settings.keySet()) {
      if (!paths.containsKey(name)) {
        throw new IllegalArgumentException(
            "route table: " + name + " has settings but " + name + ROUTE + " is not set");
      }
    }
    List<Route> routes = new ArrayList<>();
    for (Map.Entry<String, String> entry : paths.entrySet()) {
      String name = entry.getKey();
      String path = entry.getValue();
      if (!path.startsWith("/") || path.contains("?") || path.contains("#")) {
        throw new IllegalArgumentException(
            "route table: "
                + name
                + ROUTE
                + " must be a path starting with '/', was \""
                + path
                + "\"");
      }
      String topic;
      if (EventNames.isEventName(name)) {
        EventNames.requireLegal(name);
        topic = topics.getOrDefault(name, Topics.defaultTopic(name));
      } else {
        if (topics.containsKey(name) && !topics.get(name).equals(name)) {
          throw new IllegalArgumentException(
              "route table: " + name + " is a plain topic; its " + TOPIC + " can only be itself");
        }
        topic = name;
      }
      String problem = Topics.problemWith(topic);
      if (problem != null) {
        throw new IllegalArgumentException("route table: " + name + ": " + problem);
      }
      routes.add(new Route(name, topic, path, clusters.get(name)));
    }
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("the route table routes nothing");
    }
    return new RouteTable(routes);
  }

  List<Route> routes() {
    return routes;
  }

  /**
   * The forwarded events as a registry whose payload type is {@code byte[]}: the proxy never
   * decodes a payload, it passes the bytes on.
   */
  EventRegistry registry() {
    List<EventType<?>> types = new ArrayList<>();
    for (Route route : routes) {
      if (EventNames.isEventName(route.name())) {
        types.add(EventType.of(route.name(), byte[].class, route.topic(), 1));
      }
    }
    List<EventType<?>> frozen = List.copyOf(types);
    return new EventRegistry() {
      @Override
      public List<EventType<?>> eventTypes() {
        return frozen;
      }

      @Override
      public EventDispatcher dispatcherFor(Object handler) {
        return null;
      }
    };
  }
}
