package dev.domainevents.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.domainevents.DomainEvents;
import dev.domainevents.amqp.AmqpHeaders;
import dev.domainevents.amqp.AmqpInfra;
import dev.domainevents.spi.Envelopes;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.amqp.core.AcknowledgeMode;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.core.MessageProperties;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.amqp.rabbit.listener.api.ChannelAwareMessageListener;

/**
 * The AMQP runs, on a quorum queue of the RabbitMQ at {@link #URI}: each measures the SDK against
 * two peers doing the same work (persistent messages, mandatory, publisher confirms with at most
 * {@link #WINDOW} unconfirmed, manual acknowledgements with a prefetch of {@link #PREFETCH}):
 * hand-written amqp-client code, and Spring AMQP's RabbitTemplate with correlated confirms and a
 * listener container with manual acks. The windows and prefetch are the SDK's defaults, and the
 * peers' queues have the SDK service queue's arguments (see {@link #boundQueue}).
 */
final class AmqpRuns implements AutoCloseable {
  static final String URI = "amqp://guest:guest@127.0.0.1:5672/%2F";
  private static final String EXCHANGE = "basket";

  /** The routing key the SDK gives {@code Basket:Checkout}: its name, kebab-cased, with a dot. */
  private static final String ROUTING_KEY = "basket.checkout";

  private static final String NAME = "Basket:Checkout";
  private static final int WINDOW = 1_000;
  private static final int PREFETCH = 50;

  /** The SDK's default {@code domainevents.delivery.limit}. */
  private static final int DELIVERY_LIMIT = 20;

  private static final int AGGREGATES = 100;
  private static final String PREFIX = "de-bench-" + ProcessHandle.current().pid() + "-";

  private final ObjectMapper mapper = new ObjectMapper().findAndRegisterModules();
  private final Purchase[] purchases = new Purchase[AGGREGATES];
  private final Connection admin;
  private final Channel adminChannel;
  private int queues;

  private AmqpRuns() throws Exception {
    for (int i = 0; i < AGGREGATES; i++) {
      purchases[i] = Purchase.sample(i);
    }
    admin = factory().newConnection("benchmark-admin");
    adminChannel = admin.createChannel();
    // The SDK declares the aggregate's exchange; the peers publish to the same one.
    try (DomainEvents.Installation installation = DomainEvents.install(sdkPublisher())) {
      adminChannel.exchangeDeclarePassive(EXCHANGE);
    }
  }

  /** Whether anything listens on 127.0.0.1:5672; the AMQP runs are skipped if not. */
  static boolean reachable() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", 5672), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static AmqpRuns connect() throws Exception {
    return new AmqpRuns();
  }

  private static ConnectionFactory factory() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(URI);
    return factory;
  }

  private static AmqpInfra sdkPublisher() {
    return AmqpInfra.builder().uri(URI).build();
  }

  /**
   * A new quorum queue bound to the checkout events, declared as the SDK declares a service's queue
   * (a delivery limit, at-least-once dead-lettering to a queue of its own, which needs {@code
   * reject-publish}), so that the peers consume from a queue that keeps the same promises as the
   * SDK's. The caller deletes it with {@link #delete}.
   */
  private String boundQueue() throws IOException {
    String queue = PREFIX + (++queues);
    adminChannel.queueDeclare(
        deadLetters(queue), true, false, false, Map.of("x-queue-type", "quorum"));
    adminChannel.queueDeclare(
        queue,
        true,
        false,
        false,
        Map.of(
            "x-queue-type", "quorum",
            "x-delivery-limit", DELIVERY_LIMIT,
            "x-dead-letter-exchange", "",
            "x-dead-letter-routing-key", deadLetters(queue),
            "x-dead-letter-strategy", "at-least-once",
            "x-overflow", "reject-publish"));
    adminChannel.queueBind(queue, EXCHANGE, ROUTING_KEY);
    return queue;
  }

  private static String deadLetters(String queue) {
    return "fail-" + queue;
  }

  private void delete(String... queues) throws IOException {
    for (String queue : queues) {
      adminChannel.queueDelete(queue);
    }
  }

  /** Deletes a queue of {@link #boundQueue} and its dead-letter queue. */
  private void deleteBound(String queue) throws IOException {
    delete(queue, deadLetters(queue));
  }

  /** Publishes {@code events} through the SDK into a fresh queue; messages per second. */
  double publishSdk(int events) throws Exception {
    String queue = boundQueue();
    try {
      return publishWithSdk(events);
    } finally {
      deleteBound(queue);
    }
  }

  private double publishWithSdk(int events) throws InterruptedException {
    return SdkPublishRun.publish(sdkPublisher(), events, purchases);
  }

  /**
   * Publishes {@code events} with hand-written amqp-client code: asynchronous confirms tracked by
   * sequence number, at most {@link #WINDOW} outstanding; messages per second.
   */
  double publishRaw(int events) throws Exception {
    String queue = boundQueue();
    ObjectWriter writer = mapper.writerFor(Purchase.class);
    Semaphore window = new Semaphore(WINDOW);
    ConcurrentNavigableMap<Long, Boolean> outstanding = new ConcurrentSkipListMap<>();
    AtomicReference<String> failure = new AtomicReference<>();
    try (Connection connection = factory().newConnection("benchmark-raw-publisher");
        Channel channel = connection.createChannel()) {
      channel.confirmSelect();
      channel.addConfirmListener(
          (tag, multiple) -> window.release(settle(outstanding, tag, multiple)),
          (tag, multiple) -> {
            failure.compareAndSet(null, "nacked " + tag);
            window.release(settle(outstanding, tag, multiple));
          });
      channel.addReturnListener(r -> failure.compareAndSet(null, "returned " + r.getReplyText()));
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        int aggregate = i % AGGREGATES;
        window.acquire();
        outstanding.put(channel.getNextPublishSeqNo(), Boolean.TRUE);
        channel.basicPublish(
            EXCHANGE,
            ROUTING_KEY,
            true,
            rawProperties(aggregate),
            writer.writeValueAsBytes(purchases[aggregate]));
      }
      window.acquire(WINDOW); // every confirm is in
      long elapsed = System.nanoTime() - start;
      if (failure.get() != null) {
        throw new IllegalStateException(failure.get());
      }
      return perSecond(events, elapsed);
    } finally {
      deleteBound(queue);
    }
  }

  private static int settle(
      ConcurrentNavigableMap<Long, Boolean> outstanding, long tag, boolean multiple) {
    if (!multiple) {
      return outstanding.remove(tag) == null ? 0 : 1;
    }
    ConcurrentNavigableMap<Long, Boolean> settled = outstanding.headMap(tag, true);
    int count = settled.size();
    settled.clear();
    return count;
  }

  /** What the SDK sets on a message: the envelope in properties and headers. */
  private AMQP.BasicProperties rawProperties(int aggregate) {
    // A time-ordered id from the SDK's one envelope factory, as the SDK side gets.
    UUID id = Envelopes.message(ROUTING_KEY, null, purchases[aggregate], Map.of()).eventId();
    Instant now = Instant.now();
    Map<String, Object> headers = new HashMap<>();
    headers.put(AmqpHeaders.AGGREGATE_TYPE, "Basket");
    headers.put(AmqpHeaders.AGGREGATE_ID, Integer.toString(aggregate));
    headers.put(AmqpHeaders.OCCURRED_AT, now.toString());
    headers.put(AmqpHeaders.SCHEMA_VERSION, 1);
    String idText = id.toString();
    return new AMQP.BasicProperties.Builder()
        .deliveryMode(2)
        .contentType("application/json")
        .messageId(idText)
        .correlationId(idText)
        .type(NAME)
        .timestamp(Date.from(now))
        .headers(headers)
        .build();
  }

  /**
   * Publishes {@code events} with Spring AMQP's RabbitTemplate, correlated confirms and returns, at
   * most {@link #WINDOW} outstanding; messages per second.
   */
  double publishSpring(int events) throws Exception {
    String queue = boundQueue();
    ObjectWriter writer = mapper.writerFor(Purchase.class);
    Semaphore window = new Semaphore(WINDOW);
    AtomicReference<String> failure = new AtomicReference<>();
    CachingConnectionFactory connections = springConnections();
    connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
    connections.setPublisherReturns(true);
    try {
      RabbitTemplate template = new RabbitTemplate(connections);
      template.setMandatory(true);
      template.setConfirmCallback(
          (correlation, ack, cause) -> {
            if (!ack) {
              failure.compareAndSet(null, "nacked: " + cause);
            }
            window.release();
          });
      template.setReturnsCallback(r -> failure.compareAndSet(null, "returned " + r.getReplyText()));
      long start = System.nanoTime();
      for (int i = 0; i < events; i++) {
        int aggregate = i % AGGREGATES;
        window.acquire();
        AMQP.BasicProperties raw = rawProperties(aggregate);
        MessageProperties props = new MessageProperties();
        props.setDeliveryMode(MessageDeliveryMode.PERSISTENT);
        props.setContentType(raw.getContentType());
        props.setMessageId(raw.getMessageId());
        props.setCorrelationId(raw.getCorrelationId());
        props.setType(raw.getType());
        props.setTimestamp(raw.getTimestamp());
        raw.getHeaders().forEach(props::setHeader);
        template.send(
            EXCHANGE,
            ROUTING_KEY,
            new Message(writer.writeValueAsBytes(purchases[aggregate]), props),
            new CorrelationData(raw.getMessageId()));
      }
      window.acquire(WINDOW);
      long elapsed = System.nanoTime() - start;
      if (failure.get() != null) {
        throw new IllegalStateException(failure.get());
      }
      return perSecond(events, elapsed);
    } finally {
      connections.destroy();
      deleteBound(queue);
    }
  }

  private static CachingConnectionFactory springConnections() throws Exception {
    return new CachingConnectionFactory(factory());
  }

  /**
   * Consumes {@code events} from the SDK's own service queue, filled beforehand, and dispatches
   * them to the counting handler; messages per second from the first to the last.
   */
  double consumeSdk(int events) throws Exception {
    String service = PREFIX + "sdk-" + (++queues);
    try {
      // Declares the service's queues and bindings; nothing is published yet, so nothing is read.
      try (DomainEvents.Installation declaring =
          DomainEvents.install(sdkConsumer(service), new CountingHandler(1))) {
        // closed at once
      }
      fill(events);
      CountingHandler handler = new CountingHandler(events);
      try (DomainEvents.Installation installation =
          DomainEvents.install(sdkConsumer(service), handler)) {
        if (!handler.done.await(10, TimeUnit.MINUTES)) {
          throw new IllegalStateException("the SDK consumer did not handle " + events + " events");
        }
        return handler.perSecond(events);
      }
    } finally {
      delete(service, "retry-" + service, "fail-" + service);
    }
  }

  private static AmqpInfra sdkConsumer(String service) {
    return AmqpInfra.builder().uri(URI).service(service).build();
  }

  /** Consumes {@code events} with a hand-written consumer: manual acks, one by one. */
  double consumeRaw(int events) throws Exception {
    String queue = boundQueue();
    ObjectReader reader = mapper.readerFor(Purchase.class);
    CountingHandler handler = new CountingHandler(events);
    try {
      fill(events);
      try (Connection connection = factory().newConnection("benchmark-raw-consumer");
          Channel channel = connection.createChannel()) {
        channel.basicQos(PREFETCH);
        CountDownLatch cancelled = new CountDownLatch(1);
        String consumerTag =
            channel.basicConsume(
                queue,
                false,
                new DefaultConsumer(channel) {
                  @Override
                  public void handleDelivery(
                      String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                      throws IOException {
                    handler.onCheckout(reader.readValue(body));
                    channel.basicAck(envelope.getDeliveryTag(), false);
                  }

                  @Override
                  public void handleCancelOk(String tag) {
                    cancelled.countDown();
                  }
                });
        if (!handler.done.await(10, TimeUnit.MINUTES)) {
          throw new IllegalStateException("the raw consumer did not handle " + events + " events");
        }
        double rate = handler.perSecond(events);
        // Deliveries run in order on the channel's thread: once cancel-ok arrives, the last ack
        // has gone out, and closing the channel loses none.
        channel.basicCancel(consumerTag);
        if (!cancelled.await(30, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the raw consumer was not cancelled");
        }
        return rate;
      }
    } finally {
      deleteBound(queue);
    }
  }

  /** Consumes {@code events} with Spring AMQP's listener container, manual acks, one by one. */
  double consumeSpring(int events) throws Exception {
    String queue = boundQueue();
    ObjectReader reader = mapper.readerFor(Purchase.class);
    CountingHandler handler = new CountingHandler(events);
    CachingConnectionFactory connections = springConnections();
    SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
    try {
      fill(events);
      container.setQueueNames(queue);
      container.setAcknowledgeMode(AcknowledgeMode.MANUAL);
      container.setPrefetchCount(PREFETCH);
      container.setMessageListener(
          (ChannelAwareMessageListener)
              (message, channel) -> {
                handler.onCheckout(reader.readValue(message.getBody()));
                channel.basicAck(message.getMessageProperties().getDeliveryTag(), false);
              });
      container.start();
      if (!handler.done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("Spring's consumer did not handle " + events + " events");
      }
      return handler.perSecond(events);
    } finally {
      container.stop();
      container.destroy();
      connections.destroy();
      deleteBound(queue);
    }
  }

  /** Puts {@code events} checkout events into every bound queue, through the SDK. */
  private void fill(int events) throws InterruptedException {
    publishWithSdk(events);
  }

  private static double perSecond(int events, long nanos) {
    return events * 1e9 / nanos;
  }

  @Override
  public void close() throws Exception {
    adminChannel.close();
    admin.close();
  }
}
