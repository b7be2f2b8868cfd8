package dev.domainevents.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventEnvelope;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.kafka.Fixtures.Goods;
import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.EventCatalog;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The name and the time, which decoding reads from their header bytes, read as their text was. */
class EnvelopeDecodeTest {
  private static final String TOPIC = "goods.decode";

  private final EnvelopeCodec codec =
      new EnvelopeCodec(
          JsonPayloadCodec.create(),
          EventCatalog.of(Fixtures.registry(TOPIC)),
          DispatchTable.of(List.of(new RecordingHandler())),
          WireFormat.DOMAINEVENTS);

  @Test
  void aWrittenRecordDecodesToTheEnvelopeItWasWrittenFrom() {
    EventEnvelope written = shopping();
    EventEnvelope read =
        codec.decode(record(codec.encode(written, TOPIC).headers()), false).envelope();
    assertSame(Fixtures.SHOPPING, read.name());
    assertEquals(written.occurredAt(), read.occurredAt());
    assertEquals(written.eventId(), read.eventId());
  }

  @Test
  void anotherFormOfTheTimeIsReadAsText() {
    Headers headers = codec.encode(shopping(), TOPIC).headers();
    headers.remove(EnvelopeHeaders.OCCURRED_AT);
    headers.add(EnvelopeHeaders.OCCURRED_AT, utf8("2026-01-02T03:04:05+01:00"));
    assertEquals(
        Instant.parse("2026-01-02T02:04:05Z"),
        codec.decode(record(headers), false).envelope().occurredAt());
  }

  @Test
  void aTimeThatIsNoInstantIsAMalformedHeaderWithItsText() {
    for (String time : List.of("2026-02-30T03:04:05Z", "2026-01-02T03:04:5Z", "soon")) {
      Headers headers = codec.encode(shopping(), TOPIC).headers();
      headers.remove(EnvelopeHeaders.OCCURRED_AT);
      headers.add(EnvelopeHeaders.OCCURRED_AT, utf8(time));
      PoisonRecordException refused =
          assertThrows(PoisonRecordException.class, () -> codec.decode(record(headers), false));
      assertEquals(PoisonRecordException.MALFORMED_HEADER, refused.reason(), time);
      assertTrue(refused.getMessage().contains(time), refused::getMessage);
    }
  }

  @Test
  void aNameNoHandlerTakesIsSkippedAndOneThatIsNotUtf8IsRefused() {
    Headers unknown = codec.encode(shopping(), TOPIC).headers();
    unknown.remove(EnvelopeHeaders.EVENT_NAME);
    unknown.add(EnvelopeHeaders.EVENT_NAME, utf8("Goods:Unheard"));
    assertEquals(null, codec.decode(record(unknown), false));

    Headers malformed = codec.encode(shopping(), TOPIC).headers();
    malformed.remove(EnvelopeHeaders.EVENT_NAME);
    malformed.add(EnvelopeHeaders.EVENT_NAME, new byte[] {'G', (byte) 0xC3, (byte) 0x28});
    PoisonRecordException refused =
        assertThrows(PoisonRecordException.class, () -> codec.decode(record(malformed), false));
    assertEquals(PoisonRecordException.MALFORMED_HEADER, refused.reason());
  }

  private static EventEnvelope shopping() {
    Goods goods = new Goods(42);
    goods.shopping(3);
    return Fixtures.drain(goods).get(0);
  }

  private ConsumerRecord<byte[], byte[]> record(Headers headers) {
    ProducerRecord<byte[], byte[]> produced = codec.encode(shopping(), TOPIC);
    return new ConsumerRecord<>(
        TOPIC,
        0,
        0L,
        0L,
        TimestampType.CREATE_TIME,
        produced.key().length,
        produced.value().length,
        produced.key(),
        produced.value(),
        headers,
        Optional.empty());
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
