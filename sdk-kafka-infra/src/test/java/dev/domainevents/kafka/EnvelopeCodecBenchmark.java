package dev.domainevents.kafka;

import dev.domainevents.EventEnvelope;
import dev.domainevents.json.JsonPayloadCodec;
import dev.domainevents.kafka.Fixtures.Goods;
import dev.domainevents.kafka.Fixtures.RecordingHandler;
import dev.domainevents.spi.DispatchTable;
import dev.domainevents.spi.EventCatalog;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-record cost of the hot paths: encoding an envelope into a record (publish) and decoding a
 * record into an envelope (consume). Not run by {@code mvn verify}; run it by hand:
 *
 * <pre>
 * mvn -pl sdk-kafka-infra -am test-compile
 * java -cp "$(cat cp.txt)" org.openjdk.jmh.Main EnvelopeCodecBenchmark -prof gc
 * </pre>
 *
 * where {@code cp.txt} is the module's test class path ({@code dependency:build-classpath}) plus
 * {@code target/classes} and {@code target/test-classes}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnvelopeCodecBenchmark {
  private EnvelopeCodec codec;
  private EventEnvelope envelope;
  private ConsumerRecord<byte[], byte[]> record;

  @Setup
  public void setUp() throws Exception {
    EventCatalog catalog = EventCatalog.of(Fixtures.registry("goods.bench"));
    codec =
        new EnvelopeCodec(
            JsonPayloadCodec.create(),
            catalog,
            DispatchTable.of(List.of(new RecordingHandler())),
            WireFormat.DOMAINEVENTS);
    Goods goods = new Goods(42);
    goods.shopping(3);
    envelope = Fixtures.drain(goods).get(0);
    ProducerRecord<byte[], byte[]> produced = codec.encode(envelope, "goods.bench");
    record =
        new ConsumerRecord<>(
            "goods.bench",
            0,
            0L,
            0L,
            TimestampType.CREATE_TIME,
            produced.key().length,
            produced.value().length,
            produced.key(),
            produced.value(),
            produced.headers(),
            Optional.empty());
  }

  @Benchmark
  public ProducerRecord<byte[], byte[]> encode() throws Exception {
    return codec.encode(envelope, "goods.bench");
  }

  @Benchmark
  public EnvelopeCodec.Delivery decode() {
    return codec.decode(record, false);
  }
}
