package dev.domainevents.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import dev.domainevents.EventPublishException;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes persistent, mandatory messages on one channel in confirm mode, with at most {@code
 * window} messages awaiting the broker's confirm. A batch's future completes when the broker
 * confirmed every message, and fails on the first nack, return (unroutable), lost connection or
 * timeout. Confirms and returns arrive on the connection's thread, where the futures complete.
 */
final class AmqpPublisher {
  private static final Logger log = LoggerFactory.getLogger(AmqpPublisher.class);
  private static final long OUTAGE_POLL_MS = 50;

  /** One message to publish. */
  record Outgoing(
      String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) {}

  private final Connection connection;
  private final AmqpSettings settings;
  private final Semaphore window;
  private final ConcurrentNavigableMap<Long, InFlight> inFlight = new ConcurrentSkipListMap<>();
  private final Map<String, InFlight> byMessageId = new ConcurrentHashMap<>();
  private final Set<String> declaredExchanges = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private final Object publishLock = new Object();
  private Channel channel;

  AmqpPublisher(Connection connection, AmqpSettings settings) throws IOException {
    this.connection = connection;
    this.settings = settings;
    this.window = new Semaphore(settings.publishWindow);
    ScheduledThreadPoolExecutor timeouts =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "domainevents-amqp-publish-timeout");
              thread.setDaemon(true);
              return thread;
            });
    // Every publish schedules its timeout and cancels it when confirmed: without removal, the
    // cancelled tasks of a whole publish timeout stay in the timer's queue (300,000 at 10,000
    // publishes a second), and every schedule pays for them.
    timeouts.setRemoveOnCancelPolicy(true);
    this.timer = timeouts;
    this.channel = openChannel();
  }

  private Channel openChannel() throws IOException {
    Channel opened = connection.createChannel();
    opened.confirmSelect();
    opened.addConfirmListener(new Confirms());
    opened.addReturnListener(new Returns());
    // Registered on the recovering channel, so it runs at every loss of the connection.
    opened.addShutdownListener(this::lost);
    return opened;
  }

  /**
   * Declares the durable topic exchange {@code exchange} once per process, on a channel of its own:
   * a failed declaration closes the channel it ran on, and must not close the publishing one. An
   * exchange that exists with another type is accepted as it is.
   */
  void ensureExchange(String exchange) throws IOException {
    if (declaredExchanges.contains(exchange)) {
      return;
    }
    try (Channel declaring = connection.createChannel()) {
      AmqpTopology.declareExchange(declaring, exchange);
    } catch (IOException | TimeoutException | ShutdownSignalException declareFailed) {
      try (Channel checking = connection.createChannel()) {
        checking.exchangeDeclarePassive(exchange);
      } catch (IOException | TimeoutException | ShutdownSignalException e) {
        throw new IOException(
            "the exchange \"" + exchange + "\" cannot be declared, nor does it exist", e);
      }
    }
    declaredExchanges.add(exchange);
  }

  /** Publishes {@code messages} in order; see the class documentation. */
  @SuppressWarnings("FutureReturnValueIgnored") // the callback only cancels the timeout
  CompletableFuture<Void> publish(List<Outgoing> messages) {
    Batch batch = new Batch(messages.size());
    if (messages.isEmpty()) {
      batch.future.complete(null);
      return batch.future;
    }
    long timeoutNanos = settings.publishTimeout.toNanos();
    long deadline = System.nanoTime() + timeoutNanos;
    ScheduledFuture<?> timeout =
        timer.schedule(
            () ->
                batch.fail(
                    new EventPublishException(
                        "RabbitMQ did not confirm every message within "
                            + settings.publishTimeout.toMillis()
                            + " ms ("
                            + AmqpSettings.PUBLISH_TIMEOUT_MS
                            + "); those not confirmed may or may not have been stored")),
            timeoutNanos,
            TimeUnit.NANOSECONDS);
    batch.future.whenComplete((ignored, error) -> timeout.cancel(false));
    for (Outgoing message : messages) {
      if (batch.future.isDone() || !send(message, batch, deadline)) {
        break;
      }
    }
    return batch.future;
  }

  private boolean send(Outgoing message, Batch batch, long deadline) {
    try {
      if (!window.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        batch.fail(
            new EventPublishException(
                "the window of "
                    + settings.publishWindow
                    + " unconfirmed messages stayed full for "
                    + settings.publishTimeout.toMillis()
                    + " ms"));
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      batch.fail(new EventPublishException("interrupted while waiting to publish", e));
      return false;
    }
    String messageId = message.properties().getMessageId();
    InFlight sent = new InFlight(batch, messageId);
    synchronized (publishLock) {
      Channel current;
      try {
        current = openChannelOrWait(deadline);
      } catch (EventPublishException e) {
        window.release();
        batch.fail(e);
        return false;
      }
      long sequence = current.getNextPublishSeqNo();
      inFlight.put(sequence, sent);
      if (messageId != null) {
        byMessageId.put(messageId, sent);
      }
      try {
        current.basicPublish(
            message.exchange(), message.routingKey(), true, message.properties(), message.body());
        return true;
      } catch (IOException | RuntimeException e) {
        inFlight.remove(sequence, sent);
        settle(
            sent,
            new EventPublishException(
                "publishing to exchange \"" + message.exchange() + "\" failed: " + e, e));
        return false;
      }
    }
  }

  /** The publishing channel once open; waits for a recovery only in the {@code wait} mode. */
  private Channel openChannelOrWait(long deadline) {
    while (true) {
      if (channel.isOpen()) {
        return channel;
      }
      if (connection.isOpen()) {
        // Closed by a channel error while the connection stayed up: recovery will not reopen it.
        try {
          channel = openChannel();
          return channel;
        } catch (IOException | RuntimeException e) {
          throw new EventPublishException("could not open a channel to RabbitMQ: " + e, e);
        }
      }
      if (settings.outage == AmqpSettings.OutageMode.FAIL || System.nanoTime() > deadline) {
        throw new EventPublishException(
            "the connection to RabbitMQ is down; nothing was published (set "
                + AmqpSettings.PUBLISH_OUTAGE
                + "=wait to wait for its recovery up to the publish timeout)");
      }
      try {
        Thread.sleep(OUTAGE_POLL_MS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new EventPublishException("interrupted while waiting for RabbitMQ to recover", e);
      }
    }
  }

  private void settle(InFlight sent, Throwable error) {
    if (!sent.settled.compareAndSet(false, true)) {
      return;
    }
    if (sent.messageId != null) {
      byMessageId.remove(sent.messageId, sent);
    }
    window.release();
    if (error != null) {
      sent.batch.fail(error);
    } else if (sent.returned != null) {
      sent.batch.fail(new EventPublishException(sent.returned));
    } else {
      sent.batch.confirmed();
    }
  }

  private void confirm(long tag, boolean multiple, Throwable error) {
    if (multiple) {
      ConcurrentNavigableMap<Long, InFlight> confirmed = inFlight.headMap(tag, true);
      for (Map.Entry<Long, InFlight> entry : confirmed.entrySet()) {
        if (inFlight.remove(entry.getKey(), entry.getValue())) {
          settle(entry.getValue(), error);
        }
      }
    } else {
      InFlight sent = inFlight.remove(tag);
      if (sent != null) {
        settle(sent, error);
      }
    }
  }

  /** The channel closed: nothing in flight will be confirmed on it. */
  private void lost(ShutdownSignalException cause) {
    if (inFlight.isEmpty()) {
      return;
    }
    log.warn(
        "the publishing channel closed with {} message(s) unconfirmed; their publishes fail: {}",
        inFlight.size(),
        cause.getMessage());
    for (Map.Entry<Long, InFlight> entry : inFlight.entrySet()) {
      if (inFlight.remove(entry.getKey(), entry.getValue())) {
        settle(
            entry.getValue(),
            new EventPublishException(
                "the connection to RabbitMQ closed before it confirmed event "
                    + entry.getValue().messageId
                    + "; it may or may not have been stored: "
                    + cause.getMessage(),
                cause));
      }
    }
  }

  /** Waits up to {@code timeoutMillis} for the outstanding confirms, then stops the timer. */
  void close(long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (!inFlight.isEmpty() && System.currentTimeMillis() < deadline && channel.isOpen()) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    timer.shutdownNow();
  }

  private final class Confirms implements ConfirmListener {
    @Override
    public void handleAck(long deliveryTag, boolean multiple) {
      confirm(deliveryTag, multiple, null);
    }

    @Override
    public void handleNack(long deliveryTag, boolean multiple) {
      confirm(
          deliveryTag,
          multiple,
          new EventPublishException(
              "RabbitMQ refused the message (nack), e.g. because a queue is full"));
    }
  }

  /** A mandatory message no queue took: its confirm follows, and fails it. */
  private final class Returns implements ReturnListener {
    @Override
    public void handleReturn(
        int replyCode,
        String replyText,
        String exchange,
        String routingKey,
        AMQP.BasicProperties properties,
        byte[] body) {
      InFlight sent =
          properties.getMessageId() == null ? null : byMessageId.get(properties.getMessageId());
      if (sent != null) {
        sent.returned =
            "unroutable: no queue is bound to exchange \""
                + exchange
                + "\" with routing key \""
                + routingKey
                + "\" ("
                + replyCode
                + " "
                + replyText
                + "); start the consuming service first, or publish events someone handles";
      }
    }
  }

  /** The messages of one publish call. */
  private static final class Batch {
    final CompletableFuture<Void> future = new CompletableFuture<>();
    final AtomicInteger remaining;

    Batch(int size) {
      this.remaining = new AtomicInteger(size);
    }

    void confirmed() {
      if (remaining.decrementAndGet() == 0) {
        future.complete(null);
      }
    }

    void fail(Throwable error) {
      future.completeExceptionally(error);
    }
  }

  /** One published message awaiting its confirm. */
  private static final class InFlight {
    final Batch batch;
    final String messageId;
    final AtomicBoolean settled = new AtomicBoolean();
    volatile String returned;

    InFlight(Batch batch, String messageId) {
      this.batch = batch;
      this.messageId = messageId;
    }
  }
}
