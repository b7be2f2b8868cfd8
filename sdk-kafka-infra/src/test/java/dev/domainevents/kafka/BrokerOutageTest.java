package dev.domainevents.kafka;

import static dev.domainevents.kafka.Fixtures.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventEnvelope;
import dev.domainevents.EventPublishException;
import dev.domainevents.kafka.Fixtures.Goods;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker goes away while events are published: each is either delivered or reported. */
class BrokerOutageTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  @Test
  void everyEventIsDeliveredOrReportedDuringAnOutage() throws Exception {
    String topic = unique("goods.outage");
    KAFKA.broker().createTopic(topic, 1);
    Properties props = Fixtures.fastClient(KAFKA.bootstrapServers(), null);
    // Give up quickly so that the outage outlasts the delivery timeout.
    props.put("delivery.timeout.ms", "3000");
    props.put("request.timeout.ms", "1000");
    props.put("max.block.ms", "2000");
    props.put("reconnect.backoff.max.ms", "500");
    props.put("retry.backoff.max.ms", "500");
    // Keep the partition's metadata, so sends queue up and expire in the producer (reported by
    // the callback). With the default rebootstrap, send() itself blocks for max.block.ms and
    // throws instead; that is reported too, synchronously.
    props.put("metadata.max.age.ms", "300000");
    props.put("metadata.recovery.strategy", "none");

    Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
    Set<UUID> reported = ConcurrentHashMap.newKeySet();
    List<UUID> published = new ArrayList<>();
    List<CompletableFuture<Void>> pending = new ArrayList<>();
    KafkaInfra infra = KafkaInfra.builder().properties(props).build();
    infra.start(EventCatalog.of(Fixtures.registry(topic)));
    try {
      Goods goods = new Goods(1);
      long outageStarted = 0;
      boolean restarted = false;
      long begin = System.nanoTime();
      int batch = 0;
      while (true) {
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        if (batch == 20) {
          long stopping = System.nanoTime();
          KAFKA.broker().stop();
          outageStarted = System.nanoTime();
          System.out.println("broker stopped in " + (outageStarted - stopping) / 1_000_000 + " ms");
        }
        if (outageStarted != 0
            && !restarted
            && System.nanoTime() - outageStarted > TimeUnit.SECONDS.toNanos(8)) {
          KAFKA.broker().start();
          restarted = true;
          System.out.println("broker restarted after batch " + batch);
        }
        if (restarted && batch >= 60 && elapsedMs > 0) {
          break;
        }
        for (int i = 0; i < 5; i++) {
          goods.shopping(1);
        }
        List<EventEnvelope> events = Fixtures.drain(goods);
        List<UUID> ids = events.stream().map(EventEnvelope::eventId).toList();
        published.addAll(ids);
        CompletableFuture<Void> future;
        try {
          future = infra.publish(events);
        } catch (RuntimeException e) {
          future = CompletableFuture.failedFuture(e);
        }
        pending.add(
            future.whenComplete(
                (ok, error) -> (error == null ? acknowledged : reported).addAll(ids)));
        batch++;
        Thread.sleep(restarted || outageStarted == 0 ? 20 : 250);
      }
      for (CompletableFuture<Void> future : pending) {
        try {
          future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          assertTrue(
              e.getCause() instanceof EventPublishException, "a clear exception: " + e.getCause());
        }
      }
    } finally {
      infra.close();
    }

    assertEquals(published.size(), acknowledged.size() + reported.size(), "every batch completed");
    assertTrue(acknowledged.size() > 0, "some events were delivered");
    assertTrue(
        reported.size() > 0, "the outage outlasted delivery.timeout.ms, so some were reported");

    List<ConsumerRecord<byte[], byte[]>> records =
        RawRecords.read(
            KAFKA.bootstrapServers(), topic, acknowledged.size(), Duration.ofSeconds(60));
    Set<UUID> inTopic = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      inTopic.add(
          UUID.fromString(
              new String(
                  record.headers().lastHeader(EnvelopeHeaders.EVENT_ID).value(),
                  StandardCharsets.UTF_8)));
    }
    Set<UUID> lost = new HashSet<>(acknowledged);
    lost.removeAll(inTopic);
    assertEquals(Set.of(), lost, "no acknowledged event is missing from the topic");
    System.out.printf(
        "outage: published=%d acknowledged=%d reported=%d (of which in topic anyway: %d)%n",
        published.size(),
        acknowledged.size(),
        reported.size(),
        reported.stream().filter(inTopic::contains).count());
  }
}
