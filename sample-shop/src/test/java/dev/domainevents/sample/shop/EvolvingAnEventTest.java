package dev.domainevents.sample.shop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.kafka.EnvelopeHeaders;
import dev.domainevents.kafka.KafkaInfra;
import dev.domainevents.processor.DomainEventProcessor;
import dev.domainevents.spi.EventCatalog;
import dev.domainevents.spi.EventRegistry;
import dev.domainevents.test.kafka.EmbeddedKafkaExtension;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Evolving an event" on the sample itself: {@code GoodsObj} gains a field. Without a
 * new version the build fails with {@code [SdkSchemaChanged]} against the sample's committed lock
 * file; with version 2 and an upcaster it passes, and a version-1 record still in the topic is
 * handled by the new handler.
 */
class EvolvingAnEventTest {
  @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

  private static final Path SOURCES = Path.of("src/main/java/dev/domainevents/sample/shop");
  private static final Path LOCK = Path.of("src/main/resources/META-INF/domainevents/events.lock");
  private static final String PACKAGE = "dev.domainevents.sample.shop.";

  private static final String GOODS_OBJ_V2 =
      """
      package dev.domainevents.sample.shop;

      import dev.domainevents.Upcaster;
      import java.util.Map;

      public record GoodsObj(int goodsId, int amount, String currency) {
        public GoodsObj(int goodsId, int amount) {
          this(goodsId, amount, "EUR");
        }
      %s}
      """;

  private static final String UPCASTER =
      """
        @Upcaster(event = "Goods:Shopping", from = 1)
        public static Map<String, Object> currencyAdded(Map<String, Object> v1) {
          v1.put("currency", "EUR");
          return v1;
        }
      """;

  @TempDir Path work;

  private record Result(boolean succeeded, List<Diagnostic<? extends JavaFileObject>> errors) {}

  /** Compiles the sample with {@code goodsObj} and {@code goods} as its sources of those two. */
  private Result compile(String goodsObj, String goods, Path classes) throws IOException {
    Path sources = Files.createDirectories(work.resolve("src-" + UUID.randomUUID()));
    List<Path> files = new ArrayList<>();
    try (Stream<Path> original = Files.list(SOURCES)) {
      for (Path file : original.toList()) {
        String name = file.getFileName().toString();
        String text =
            name.equals("GoodsObj.java")
                ? goodsObj
                : name.equals("Goods.java") ? goods : Files.readString(file);
        files.add(Files.writeString(sources.resolve(name), text));
      }
    }
    Path lock = Files.copy(LOCK, work.resolve("events-" + UUID.randomUUID() + ".lock"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean succeeded;
    try (StandardJavaFileManager fileManager =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavaCompiler.CompilationTask task =
          javac.getTask(
              null,
              fileManager,
              diagnostics,
              List.of(
                  "-proc:full",
                  "-d",
                  Files.createDirectories(classes).toString(),
                  "-s",
                  Files.createDirectories(work.resolve("generated-" + UUID.randomUUID()))
                      .toString(),
                  "-classpath",
                  System.getProperty("java.class.path"),
                  "-Adomainevents.registry=dev.domainevents.sample.shop.ShopEventRegistry",
                  "-Adomainevents.lock=" + lock),
              null,
              fileManager.getJavaFileObjectsFromPaths(files));
      task.setProcessors(List.of(new DomainEventProcessor()));
      succeeded = task.call();
    }
    List<Diagnostic<? extends JavaFileObject>> errors = new ArrayList<>();
    diagnostics.getDiagnostics().stream()
        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .forEach(errors::add);
    return new Result(succeeded, errors);
  }

  @Test
  void changedWithoutAVersionFailsAndWithAVersionAndAnUpcasterReadsOldRecords() throws Exception {
    String goods = Files.readString(SOURCES.resolve("Goods.java"));

    Result unversioned = compile(GOODS_OBJ_V2.formatted(""), goods, work.resolve("classes-1"));
    assertFalse(unversioned.succeeded());
    Diagnostic<? extends JavaFileObject> error = unversioned.errors().get(0);
    String message = error.getMessage(Locale.ROOT);
    assertTrue(message.startsWith("[SdkSchemaChanged]"), message);
    assertTrue(message.contains("+ currency: string"), message);
    assertTrue(error.getSource().getName().endsWith("GoodsObj.java"), error.getSource().getName());
    assertEquals(6, error.getLineNumber(), "the line of `public record GoodsObj`");

    String versioned =
        goods.replace(
            "  public void shopping(int amount) {",
            "  @dev.domainevents.RaisesEvent(value = \"Goods:Shopping\", version = 2)\n"
                + "  public void shopping(int amount) {");
    assertTrue(versioned.contains("version = 2"), "Goods.shopping was found");
    Path classes = work.resolve("classes-2");
    Result evolved = compile(GOODS_OBJ_V2.formatted(UPCASTER), versioned, classes);
    assertTrue(evolved.succeeded(), evolved.errors().toString());

    try (URLClassLoader loader = new SampleFirst(classes)) {
      EventRegistry registry =
          (EventRegistry)
              loader.loadClass(PACKAGE + "ShopEventRegistry").getConstructor().newInstance();
      EventCatalog catalog = EventCatalog.of(registry);
      String topic = catalog.require("Goods:Shopping").topic();
      assertEquals(2, catalog.require("Goods:Shopping").schemaVersion());
      sendVersionOne(topic, "{\"goodsId\":3,\"amount\":4}");

      Object store =
          loader
              .loadClass(PACKAGE + "Store")
              .getConstructor(int.class, int.class, int.class)
              .newInstance(1, 10, 100);
      Object controller =
          loader
              .loadClass(PACKAGE + "StoreController")
              .getConstructor(store.getClass())
              .newInstance(store);
      Properties props = new Properties();
      props.put("bootstrap.servers", KAFKA.bootstrapServers());
      props.put("group.id", "evolving-" + UUID.randomUUID());
      props.put("auto.offset.reset", "earliest");
      KafkaInfra infra = KafkaInfra.builder().properties(props).build();
      infra.subscribe(catalog.dispatcherFor(controller));
      infra.start(catalog);
      try (infra) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (handled(controller) == 0 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertEquals(1, handled(controller), "the version-1 record reached the new handler");
        Object stock = store.getClass().getMethod("stock", int.class).invoke(store, 3);
        assertEquals("OptionalInt[96]", stock.toString());
      }
    }
  }

  private static long handled(Object controller) throws ReflectiveOperationException {
    return (long) controller.getClass().getMethod("handledCount").invoke(controller);
  }

  /** A record as version 1 of the sample wrote it. */
  private static void sendVersionOne(String topic, String json) throws Exception {
    Properties props = new Properties();
    props.put("bootstrap.servers", KAFKA.bootstrapServers());
    RecordHeaders headers = new RecordHeaders();
    headers.add(EnvelopeHeaders.EVENT_ID, bytes(UUID.randomUUID().toString()));
    headers.add(EnvelopeHeaders.EVENT_NAME, bytes("Goods:Shopping"));
    headers.add(EnvelopeHeaders.OCCURRED_AT, bytes("2026-01-01T00:00:00Z"));
    headers.add(EnvelopeHeaders.CORRELATION_ID, bytes("evolving"));
    headers.add(EnvelopeHeaders.SCHEMA_VERSION, bytes("1"));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer
          .send(new ProducerRecord<>(topic, null, bytes("3"), bytes(json), headers))
          .get(60, TimeUnit.SECONDS);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Loads the sample's classes from the evolved build first, everything else as usual. */
  private static final class SampleFirst extends URLClassLoader {
    SampleFirst(Path classes) throws IOException {
      super(new URL[] {classes.toUri().toURL()}, EvolvingAnEventTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(PACKAGE)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          try {
            loaded = findClass(name);
          } catch (ClassNotFoundException e) {
            loaded = super.loadClass(name, resolve);
          }
        }
        return loaded;
      }
    }
  }
}
