package dev.domainevents.kafka;

import dev.domainevents.EventType;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DomainEventInfra;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.test.contract.InfraContract;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The behaviour shared by every infra, on KafkaInfra and a real KRaft broker. */
class KafkaInfraContractTest extends InfraContract {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private String group;

  @BeforeEach
  void newGroup() {
    group = Fixtures.unique("contract");
  }

  @Override
  public DomainEventInfra startInfra(
      EventCatalog catalog, DedupeStore dedupe, EventDispatcher handler) {
    // Created up front with 3 partitions, leaders elected: an auto-created topic can refuse an
    // idempotent producer's first batch for good (KAFKA-15591), see EmbeddedKafka.createTopic.
    for (EventType<?> type : catalog.eventTypes()) {
      KAFKA.broker().createTopic(type.topic(), 3);
    }
    Properties props = Fixtures.fastClient(KAFKA.bootstrapServers(), group);
    KafkaInfra infra =
        KafkaInfra.builder()
            .properties(props)
            .retry(IN_PLACE_ATTEMPTS, Duration.ofMillis(20))
            .retryTopic(1, Duration.ofMillis(300))
            .dedupeStore(dedupe)
            .build();
    infra.subscribe(handler);
    infra.start(catalog);
    return infra;
  }

  @Override
  public Duration patience() {
    return Duration.ofSeconds(180);
  }

  @Override
  protected void publishInvalidJson(EventType<?> type, String aggregateId, UUID eventId)
      throws Exception {
    RawRecords.send(
        KAFKA.bootstrapServers(),
        type.topic(),
        aggregateId,
        "{not json",
        RawRecords.envelopeHeaders(type.name(), eventId.toString()));
  }

  @Override
  protected List<DeadLetter> deadLetters(EventType<?> type, int count, Duration wait) {
    return RawRecords.read(KAFKA.bootstrapServers(), "fail-" + type.topic(), count, wait).stream()
        .limit(count)
        .map(
            r ->
                new DeadLetter(
                    RawRecords.header(r, EnvelopeHeaders.EVENT_ID),
                    RawRecords.header(r, EnvelopeHeaders.REASON)))
        .toList();
  }
}
