package dev.domainevents.kafka;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor.Publication;
import dev.domainevents.EventInterceptors;
import dev.domainevents.EventPublishException;
import dev.domainevents.spi.PayloadCodec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends envelopes to Kafka, one producer per named cluster. A batch's future completes when the
 * broker acknowledged every record ({@code acks=all} by default), or exceptionally with an {@link
 * EventPublishException} naming the first event that was not.
 *
 * <p>The producer retries transient errors itself until {@code delivery.timeout.ms}; only then does
 * a callback report a failure, so a failure here means the event was not delivered and the caller
 * must know.
 *
 * <p>With interceptors, each batch runs through their {@code publishBatch} and each event through
 * their {@code publish}, and the envelope they pass on is what is sent, with the headers they added
 * as record headers. With none, the batch takes the direct path, which allocates nothing for them.
 */
final class KafkaEventPublisher {
  private static final Logger log = LoggerFactory.getLogger(KafkaEventPublisher.class);

  /**
   * A producer, what debug logging says about it, and the counts its health reports: records sent
   * and not yet acknowledged, and records that failed for good.
   */
  record ClusterProducer(
      String name,
      String clientId,
      String bootstrapServers,
      Producer<byte[], byte[]> producer,
      LongAdder inFlight,
      LongAdder failed) {
    ClusterProducer(
        String name, String clientId, String bootstrapServers, Producer<byte[], byte[]> producer) {
      this(name, clientId, bootstrapServers, producer, new LongAdder(), new LongAdder());
    }
  }

  private final Map<String, ClusterProducer> clusters;
  private final Map<String, String> routes;
  private final ClusterProducer defaultCluster;
  private final EnvelopeCodec codec;
  private final boolean debug;
  private final EventInterceptors interceptors;

  KafkaEventPublisher(
      Map<String, ClusterProducer> clusters,
      String defaultCluster,
      Map<String, String> routes,
      EnvelopeCodec codec,
      boolean debug,
      EventInterceptors interceptors) {
    this.clusters = Map.copyOf(clusters);
    this.defaultCluster = clusters.get(defaultCluster);
    this.routes = Map.copyOf(routes);
    this.codec = codec;
    this.debug = debug;
    this.interceptors = interceptors;
  }

  /** The clusters' producers, by name. */
  Map<String, ClusterProducer> clusters() {
    return clusters;
  }

  ClusterProducer cluster(String name) {
    ClusterProducer cluster = clusters.get(name);
    if (cluster == null) {
      throw new IllegalArgumentException(
          "unknown Kafka cluster \""
              + name
              + "\"; the configured clusters are "
              + clusters.keySet()
              + " (see domainevents.clusters)");
    }
    return cluster;
  }

  /**
   * Whether payloads {@code payloadCodec} wrote may come as {@link
   * dev.domainevents.spi.EncodedPayload}: only when the wire's codec writes the same bytes and no
   * interceptor sees the envelopes on their way out.
   */
  boolean shipsEncodedPayloads(PayloadCodec payloadCodec) {
    return !interceptors.interceptsPublishing() && codec.writesWith(payloadCodec);
  }

  /**
   * Publishes {@code events} in order to the given cluster, or when {@code cluster} is {@code
   * null}, to each topic's routed cluster or the default one.
   */
  CompletableFuture<Void> publish(ClusterProducer cluster, List<EventEnvelope> events) {
    if (!interceptors.interceptsPublishing()) {
      return send(cluster, events);
    }
    return interceptors.publishBatch(
        events, RecordOutcomes.SYSTEM, batch -> sendIntercepted(cluster, batch));
  }

  @SuppressWarnings("FutureReturnValueIgnored") // each send's outcome reaches the batch through its
  // Acknowledgement callback
  private CompletableFuture<Void> send(ClusterProducer cluster, List<EventEnvelope> events) {
    if (events.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    // A single event's acknowledgement completes the batch itself: there is nothing to count.
    AtomicInteger outstanding = events.size() == 1 ? null : new AtomicInteger(events.size());
    int sent = 0;
    for (EventEnvelope event : events) {
      if (done.isDone()) {
        // An earlier event failed in its callback: Kafka 4 reports an unreachable broker there
        // rather than from send(). A later event must not be delivered after it, out of order,
        // and each further send would block for max.block.ms.
        return done;
      }
      ClusterProducer target = cluster;
      String topic;
      ProducerRecord<byte[], byte[]> record;
      try {
        topic = codec.topicOf(event);
        if (target == null) {
          String routed = routes.get(topic);
          target = routed == null ? defaultCluster : clusters.get(routed);
        }
        record = codec.encode(event, topic);
        // Counted before send: the callback may run inside it.
        target.inFlight().increment();
        try {
          target.producer().send(record, new Acknowledgement(target, event, done, outstanding));
        } catch (RuntimeException e) {
          target.inFlight().decrement();
          target.failed().increment();
          throw e;
        }
        sent++;
      } catch (RuntimeException e) {
        // Later events of the batch are not sent: they might overtake this one.
        int unsent = events.size() - sent;
        done.completeExceptionally(
            new EventPublishException(
                "could not send "
                    + describe(event)
                    + " ("
                    + e.getMessage()
                    + "); "
                    + unsent
                    + " event(s) of the batch, from this one on, were not sent",
                e));
        return done;
      }
    }
    return done;
  }

  /**
   * Sends each event through the interceptors' {@code publish}, in order, and stops at the first
   * that fails before it reaches the broker, like {@link #send}: later events must not overtake it.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // each event's future reaches the batch's through
  // whenComplete
  private CompletableFuture<Void> sendIntercepted(
      ClusterProducer cluster, List<EventEnvelope> events) {
    if (events.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger outstanding = new AtomicInteger(events.size());
    int index = 0;
    for (EventEnvelope event : events) {
      if (done.isDone()) {
        return done;
      }
      int unsent = events.size() - index++;
      String topic;
      try {
        topic = codec.topicOf(event);
      } catch (RuntimeException e) {
        done.completeExceptionally(notSent(event, e, unsent));
        return done;
      }
      CompletableFuture<Void> sent;
      try {
        sent =
            interceptors.publish(
                new Publication(event, RecordOutcomes.SYSTEM, topic),
                envelope -> sendOne(cluster, envelope, topic));
      } catch (RuntimeException e) {
        sent = CompletableFuture.failedFuture(e);
      }
      if (sent.isCompletedExceptionally() && !sent.isCancelled()) {
        // Refused before the broker saw it (or stopped by an interceptor): stop the batch here.
        Throwable cause = unwrap(sent.handle((ok, error) -> error).join());
        done.completeExceptionally(
            cause instanceof EventPublishException known ? known : notSent(event, cause, unsent));
        return done;
      }
      sent.whenComplete(
          (ok, failure) -> {
            if (failure != null) {
              Throwable error = unwrap(failure);
              done.completeExceptionally(
                  error instanceof EventPublishException
                      ? error
                      : new EventPublishException(
                          "publishing " + describe(event) + " failed: " + error, error));
            } else if (outstanding.decrementAndGet() == 0) {
              done.complete(null);
            }
          });
    }
    return done;
  }

  /** Sends one envelope, as the interceptors passed it on, to {@code topic}. */
  @SuppressWarnings("FutureReturnValueIgnored") // its Acknowledgement completes the future
  private CompletableFuture<Void> sendOne(
      ClusterProducer cluster, EventEnvelope event, String topic) {
    CompletableFuture<Void> acknowledged = new CompletableFuture<>();
    try {
      ClusterProducer target = cluster;
      if (target == null) {
        String routed = routes.get(topic);
        target = routed == null ? defaultCluster : clusters.get(routed);
      }
      ProducerRecord<byte[], byte[]> record = codec.encode(event, topic);
      // Counted before send, as in send(): the acknowledgement decrements it.
      target.inFlight().increment();
      try {
        target.producer().send(record, new Acknowledgement(target, event, acknowledged, null));
      } catch (RuntimeException e) {
        target.inFlight().decrement();
        target.failed().increment();
        throw e;
      }
    } catch (RuntimeException e) {
      // Refused before the broker saw it: the batch reports it, with what was not sent.
      acknowledged.completeExceptionally(e);
    }
    return acknowledged;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }

  private static EventPublishException notSent(EventEnvelope event, Throwable e, int unsent) {
    return new EventPublishException(
        "could not send "
            + describe(event)
            + " ("
            + e.getMessage()
            + "); "
            + unsent
            + " event(s) of the batch, from this one on, were not sent",
        e);
  }

  private static String describe(EventEnvelope event) {
    return event.name() + " " + event.eventId();
  }

  /** The producer callback; it runs on the producer's I/O thread, so it only counts. */
  private final class Acknowledgement implements Callback {
    private final ClusterProducer cluster;
    private final EventEnvelope event;
    private final CompletableFuture<Void> done;
    // The batch's events not yet acknowledged, or null for a batch of one.
    private final AtomicInteger outstanding;
    private final long startNanos;

    Acknowledgement(
        ClusterProducer cluster,
        EventEnvelope event,
        CompletableFuture<Void> done,
        AtomicInteger outstanding) {
      this.cluster = cluster;
      this.event = event;
      this.done = done;
      this.outstanding = outstanding;
      this.startNanos = debug ? System.nanoTime() : 0L;
    }

    @Override
    public void onCompletion(RecordMetadata metadata, Exception error) {
      cluster.inFlight().decrement();
      if (error != null) {
        cluster.failed().increment();
        String kind =
            error instanceof RetriableException ? "still failing after retries" : "failed";
        done.completeExceptionally(
            new EventPublishException(
                "publishing "
                    + describe(event)
                    + " to cluster "
                    + cluster.name()
                    + " "
                    + kind
                    + ": "
                    + error,
                error));
        return;
      }
      if (debug) {
        log.info(
            "publish client={} brokers={} topic={} partition={} offset={} duration={}us event={}"
                + " id={}",
            cluster.clientId(),
            cluster.bootstrapServers(),
            metadata.topic(),
            metadata.partition(),
            metadata.offset(),
            (System.nanoTime() - startNanos) / 1_000,
            event.name(),
            event.eventId());
      }
      if (outstanding == null || outstanding.decrementAndGet() == 0) {
        done.complete(null);
      }
    }
  }
}
