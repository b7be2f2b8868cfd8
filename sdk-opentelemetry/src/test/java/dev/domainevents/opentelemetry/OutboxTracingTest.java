package dev.domainevents.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.domainevents.DomainEvents;
import dev.domainevents.EventInterceptors;
import dev.domainevents.EventScope;
import dev.domainevents.EventType;
import dev.domainevents.memory.InMemoryInfra;
import dev.domainevents.outbox.JdbcOutbox;
import dev.domainevents.outbox.OutboxDialect;
import dev.domainevents.outbox.OutboxRelay;
import dev.domainevents.outbox.OutboxSchema;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.util.List;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transactional outbox: the row keeps the trace context it was written in, and the relay's send
 * span, on another thread and later, continues that trace.
 */
class OutboxTracingTest {
  private static final EventType<Parcel.Shipped> SHIPPED =
      EventType.of("Parcel:Shipped", Parcel.Shipped.class);
  private static final EventType<Parcel.Labelled> LABELLED =
      EventType.of("Parcel:Labelled", Parcel.Labelled.class);

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                  .build())
          .build();
  private final JdbcDataSource h2 = new JdbcDataSource();
  private final JdbcOutbox outbox = JdbcOutbox.create();
  private DomainEvents.Installation installation;

  @BeforeEach
  void setUp() throws Exception {
    h2.setURL("jdbc:h2:mem:tracing-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    try (Connection connection = h2.getConnection()) {
      OutboxSchema.create(connection, OutboxDialect.H2);
    }
    installation =
        DomainEvents.install(
            new InMemoryInfra(),
            Parcel.catalog(List.of(SHIPPED, LABELLED)),
            EventInterceptors.builder().add(DomainEventTracing.create(otel)).build(),
            new Shipping(SHIPPED, LABELLED, 1));
  }

  @AfterEach
  void tearDown() throws Exception {
    installation.close();
    otel.close();
    try (Connection connection = h2.getConnection()) {
      connection.createStatement().execute("SHUTDOWN");
    }
  }

  private void writeInTransaction(String id) throws Exception {
    Parcel parcel = new Parcel(id);
    parcel.ship(SHIPPED, "box");
    outbox.inTransaction(
        h2,
        connection -> {
          outbox.write(connection, parcel);
          return null;
        });
  }

  @Test
  void theRelaysSendSpanIsAChildOfTheContextStoredWithTheRow() throws Exception {
    Span request = otel.getTracer("test").spanBuilder("POST /parcels").startSpan();
    try (Scope ignored = request.makeCurrent();
        EventScope scope = DomainEventTracing.currentContext()) {
      writeInTransaction("p-1");
    } finally {
      request.end();
    }
    assertEquals(1, exporter.getFinishedSpanItems().size(), "nothing sent yet");

    OutboxRelay relay = OutboxRelay.builder(h2, outbox).build();
    assertEquals(1, relay.pollOnce()); // this thread has no current span, as the relay's has none

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertEquals(
        """
        POST /parcels [INTERNAL]
          send Parcel:Shipped [PRODUCER]
            process Parcel:Shipped [CONSUMER]
              send Parcel:Labelled [PRODUCER]
                process Parcel:Labelled [CONSUMER]
        """,
        SpanTree.render(spans, false));
    assertEquals(1, spans.stream().map(SpanData::getTraceId).distinct().count(), "one trace");
  }

  @Test
  void aRowWrittenWithoutTraceContextStartsItsOwnTraceAtTheSend() throws Exception {
    writeInTransaction("p-2");
    assertEquals(1, OutboxRelay.builder(h2, outbox).build().pollOnce());

    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData send = spans.get(0);
    assertEquals("send Parcel:Shipped", send.getName());
    assertFalse(send.getParentSpanContext().isValid());
    assertEquals(1, spans.stream().map(SpanData::getTraceId).distinct().count());
  }
}
