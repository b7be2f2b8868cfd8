package dev.domainevents.sample.shop;

import dev.domainevents.InfraHealth;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes an {@link InfraHealth} as the JSON body of {@code GET /health}: the status, each consumer
 * with its state, cause, restarts, lag and partitions, the publisher, and the counts in key order.
 */
final class HealthJson {
  private HealthJson() {}

  static String write(InfraHealth health) {
    StringBuilder out = new StringBuilder(256);
    out.append("{\"status\":\"").append(health.status()).append('"');
    out.append(",\"system\":").append(string(health.system()));
    out.append(",\"consumers\":[");
    for (int i = 0; i < health.consumers().size(); i++) {
      InfraHealth.Consumer consumer = health.consumers().get(i);
      out.append(i == 0 ? "" : ",")
          .append("{\"name\":")
          .append(string(consumer.name()))
          .append(",\"group\":")
          .append(string(consumer.group()))
          .append(",\"state\":\"")
          .append(consumer.state())
          .append("\",\"cause\":")
          .append(string(consumer.cause()))
          .append(",\"restarts\":")
          .append(consumer.restarts())
          .append(",\"lag\":")
          .append(consumer.lag())
          .append(",\"partitions\":[");
      for (int p = 0; p < consumer.partitions().size(); p++) {
        InfraHealth.PartitionLag partition = consumer.partitions().get(p);
        out.append(p == 0 ? "" : ",")
            .append("{\"topic\":")
            .append(string(partition.topic()))
            .append(",\"partition\":")
            .append(partition.partition())
            .append(",\"lag\":")
            .append(partition.lag())
            .append('}');
      }
      out.append("]}");
    }
    InfraHealth.Publisher publisher = health.publisher();
    out.append("],\"publisher\":{\"state\":\"")
        .append(publisher.state())
        .append("\",\"cause\":")
        .append(string(publisher.cause()))
        .append(",\"inFlight\":")
        .append(publisher.inFlight())
        .append("},\"counts\":{");
    boolean first = true;
    for (Map.Entry<String, Long> count : new TreeMap<>(health.counts()).entrySet()) {
      out.append(first ? "" : ",")
          .append(string(count.getKey()))
          .append(':')
          .append(count.getValue());
      first = false;
    }
    return out.append("}}").toString();
  }

  private static String string(String text) {
    return text == null ? "null" : "\"" + ShopHttpServer.json(text) + "\"";
  }
}
