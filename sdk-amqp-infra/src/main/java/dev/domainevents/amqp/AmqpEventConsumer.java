package dev.domainevents.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventInterceptor;
import dev.domainevents.spi.DedupeStore;
import dev.domainevents.spi.DispatchTable;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of the service's queue, on its own channel with a bounded prefetch. The client calls
 * it for one delivery at a time per channel, so a channel's deliveries are handled in queue order.
 * The consume path: decode → dedupe → dispatch table → generated dispatcher, and one way out, an
 * {@link Outcome}, acknowledged only once it is carried out.
 *
 * <p>Failure policy for a delivery whose handler throws:
 *
 * <ol>
 *   <li>in-place retries with exponential backoff, on this consumer's thread;
 *   <li>unless ordered, up to {@code rounds} trips through {@code retry-<service>}, whose message
 *       TTL dead-letters the copy back to the service's queue after the delay;
 *   <li>then {@code fail-<service>}, with reason headers.
 * </ol>
 *
 * Poison deliveries go straight to {@code fail-<service>}. Nothing is requeued at once: a copy that
 * the broker does not confirm is requeued only after a pause, and the queue's delivery limit
 * dead-letters a message that keeps coming back, e.g. because its handler crashes the process.
 */
final class AmqpEventConsumer extends DefaultConsumer {
  private static final Logger log = LoggerFactory.getLogger(AmqpEventConsumer.class);
  private static final long FAILURE_PAUSE_MS = 1_000;
  private static final int MAX_EXCEPTION_MESSAGE = 1_000;

  /** How a delivery leaves. */
  private enum Outcome {
    /** Handled, a duplicate, or not ours: acknowledge it. */
    DONE,
    /** Copied to the retry queue, then acknowledged. */
    RETRY_QUEUE,
    /** Copied to the dead-letter queue, then acknowledged. */
    DEAD_LETTER,
    /** Not carried out (e.g. the dedupe store failed): requeued after a pause. */
    REQUEUE
  }

  /**
   * What a failed delivery carries on: the copy's headers, besides the original ones, and for the
   * interceptors the handlers' last context ({@code null} for poison), error and time.
   */
  private record Routed(
      Outcome outcome,
      Map<String, Object> headers,
      EventContext context,
      Throwable error,
      long nanos) {
    Routed(Outcome outcome, Map<String, Object> headers) {
      this(outcome, headers, null, null, 0);
    }
  }

  private final AmqpEnvelopeCodec codec;
  private final DispatchTable table;
  private final DedupeStore dedupe;
  private final DedupeStore.Handling dispatch = this::dispatchMarkingFailures;
  private final AmqpPublisher publisher;
  private final AmqpSettings settings;
  private final String retryQueue;
  private final String deadLetterQueue;
  private final AmqpOutcomes outcomes;

  AmqpEventConsumer(
      Channel channel,
      AmqpEnvelopeCodec codec,
      DispatchTable table,
      DedupeStore dedupe,
      AmqpPublisher publisher,
      AmqpSettings settings) {
    super(channel);
    this.codec = codec;
    this.table = table;
    this.dedupe = dedupe;
    this.publisher = publisher;
    this.settings = settings;
    this.retryQueue = AmqpTopology.retryQueue(settings.service);
    this.deadLetterQueue = AmqpTopology.deadLetterQueue(settings.service);
    this.outcomes = new AmqpOutcomes(table.interceptors(), settings.service);
  }

  @Override
  public void handleDelivery(
      String consumerTag, Envelope delivery, AMQP.BasicProperties properties, byte[] body) {
    if (!getChannel().isOpen()) {
      return; // fetched before the connection dropped: the broker delivers it again
    }
    Routed routed;
    try {
      routed = process(delivery, properties, body);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return; // closing: the delivery stays unacknowledged and comes back
    } catch (RuntimeException e) {
      log.error(
          "processing message {} failed outside the handler; requeueing it in {} ms: {}",
          properties.getMessageId(),
          FAILURE_PAUSE_MS,
          e.toString(),
          e);
      routed = new Routed(Outcome.REQUEUE, null);
    }
    try {
      finish(delivery, properties, body, routed);
    } catch (IOException | RuntimeException e) {
      // Typically the connection dropped: the broker redelivers the message, and the dedupe
      // skips it if it was handled. Thrown from here, it would close this channel for good.
      log.warn(
          "could not settle message {} ({}): {}; the broker delivers it again",
          properties.getMessageId(),
          routed.outcome(),
          e.toString());
    }
  }

  private Routed process(Envelope delivery, AMQP.BasicProperties properties, byte[] body)
      throws InterruptedException {
    boolean fromRetryQueue = AmqpEnvelopeCodec.deadLetteredFrom(properties, retryQueue);
    AmqpEnvelopeCodec.Delivery decoded;
    try {
      decoded = codec.decode(properties, body, fromRetryQueue);
    } catch (PoisonMessageException poison) {
      log.warn(
          "poison message {} on {} ({}): {}; sending it to {}",
          properties.getMessageId() == null
              ? "(no message id)"
              : AmqpEnvelopeCodec.excerpt(properties.getMessageId()),
          delivery.getRoutingKey(),
          poison.reason(),
          poison.getMessage(),
          deadLetterQueue);
      return deadLetter(delivery, poison.reason(), poison, 0, false, null, 0);
    }
    if (decoded == null) {
      outcomes.reportUndecoded(properties, body, EventInterceptor.Outcome.SKIPPED, null);
      return new Routed(Outcome.DONE, null); // bound once, no longer handled here
    }
    EventEnvelope envelope = decoded.envelope();
    Throwable lastError = null;
    EventContext context = null;
    long nanos = 0;
    int calls = 0;
    while (calls < settings.retryAttempts) {
      calls++;
      int attempt = saturatedSum(decoded.attempts(), calls);
      context = outcomes.context(envelope, attempt);
      long start = System.nanoTime();
      try {
        boolean ran;
        try {
          ran = handleOnce(context);
        } catch (RuntimeException storeFailure) {
          // The dedupe store failed, not a handler: the delivery is requeued after a pause.
          outcomes.report(
              context, EventInterceptor.Outcome.RETRIED, storeFailure, System.nanoTime() - start);
          throw storeFailure;
        }
        outcomes.report(
            context,
            ran ? EventInterceptor.Outcome.HANDLED : EventInterceptor.Outcome.DUPLICATE,
            null,
            ran ? System.nanoTime() - start : 0);
        if (settings.debug) {
          log.info(
              "consume service={} key={} event={} id={} attempt={}{}",
              settings.service,
              delivery.getRoutingKey(),
              envelope.name(),
              envelope.eventId(),
              attempt,
              ran ? "" : " duplicate skipped");
        }
        return new Routed(Outcome.DONE, null);
      } catch (HandlerFailure failure) {
        nanos = System.nanoTime() - start;
        Throwable e = failure.getCause();
        lastError = e;
        log.warn(
            "handler of {} {} failed on attempt {}: {}",
            envelope.name(),
            envelope.eventId(),
            attempt,
            e.toString());
      }
      if (calls < settings.retryAttempts) {
        outcomes.report(context, EventInterceptor.Outcome.RETRIED, lastError, nanos);
        Thread.sleep(backoff(calls));
      }
    }
    int total = saturatedSum(decoded.attempts(), calls);
    if (!settings.ordered && decoded.retryRound() < settings.retryQueueRounds) {
      Map<String, Object> headers = new HashMap<>();
      headers.put(AmqpHeaders.ATTEMPTS, total);
      headers.put(AmqpHeaders.RETRY_ROUND, decoded.retryRound() + 1);
      putOrigin(headers, delivery, fromRetryQueue);
      return new Routed(Outcome.RETRY_QUEUE, headers, context, lastError, nanos);
    }
    return deadLetter(delivery, "handler-failed", lastError, total, fromRetryQueue, context, nanos);
  }

  /**
   * The dedupe store runs the handlers, so that a store may hold its transaction around them. A
   * handler's failure comes back as {@link HandlerFailure}; anything else the store throws is the
   * store's own failure, which requeues the delivery after a pause.
   *
   * @return {@code false} if the event was a duplicate
   */
  private boolean handleOnce(EventContext context) throws HandlerFailure {
    try {
      return dedupe.handleOnce(settings.service, context, dispatch);
    } catch (HandlerFailure | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("dedupe store failed: " + e, e);
    }
  }

  private void dispatchMarkingFailures(EventContext context) throws HandlerFailure {
    try {
      table.dispatch(context);
    } catch (Exception | AssertionError | LinkageError e) {
      throw new HandlerFailure(e);
    }
  }

  /** Carries a handler's failure through the dedupe store, told apart from the store's own. */
  private static final class HandlerFailure extends Exception {
    private static final long serialVersionUID = 1L;

    HandlerFailure(Throwable cause) {
      super(cause.toString(), cause, false, false);
    }
  }

  private Routed deadLetter(
      Envelope delivery,
      String reason,
      Throwable error,
      int attempts,
      boolean fromRetryQueue,
      EventContext context,
      long nanos) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(AmqpHeaders.REASON, reason);
    headers.put(AmqpHeaders.SERVICE, settings.service);
    headers.put(AmqpHeaders.ATTEMPTS, attempts);
    if (error != null && !(error instanceof PoisonMessageException)) {
      headers.put(AmqpHeaders.EXCEPTION_CLASS, error.getClass().getName());
    }
    if (error != null && error.getMessage() != null) {
      String message = error.getMessage();
      headers.put(
          AmqpHeaders.EXCEPTION_MESSAGE,
          message.length() <= MAX_EXCEPTION_MESSAGE
              ? message
              : message.substring(0, MAX_EXCEPTION_MESSAGE) + "...");
    }
    putOrigin(headers, delivery, fromRetryQueue);
    return new Routed(Outcome.DEAD_LETTER, headers, context, error, nanos);
  }

  /** The original exchange and routing key; a copy back from the retry queue keeps its own. */
  private static void putOrigin(Map<String, Object> headers, Envelope delivery, boolean fromRetry) {
    if (!fromRetry) {
      headers.put(AmqpHeaders.ORIGINAL_EXCHANGE, delivery.getExchange());
      headers.put(AmqpHeaders.ORIGINAL_ROUTING_KEY, delivery.getRoutingKey());
    }
  }

  private void finish(
      Envelope delivery, AMQP.BasicProperties properties, byte[] body, Routed routed)
      throws IOException {
    Channel channel = getChannel();
    long tag = delivery.getDeliveryTag();
    switch (routed.outcome()) {
      case DONE:
        channel.basicAck(tag, false);
        return;
      case RETRY_QUEUE:
      case DEAD_LETTER:
        String queue = routed.outcome() == Outcome.RETRY_QUEUE ? retryQueue : deadLetterQueue;
        boolean copied = copy(queue, properties, body, routed.headers());
        if (copied || routed.outcome() == Outcome.DEAD_LETTER) {
          EventInterceptor.Outcome outcome =
              routed.outcome() == Outcome.RETRY_QUEUE
                  ? EventInterceptor.Outcome.RETRY_TOPIC
                  : EventInterceptor.Outcome.DEAD_LETTERED;
          if (routed.context() == null) {
            outcomes.reportUndecoded(properties, body, outcome, routed.error());
          } else {
            outcomes.report(routed.context(), outcome, routed.error(), routed.nanos());
          }
        }
        if (copied) {
          channel.basicAck(tag, false);
        } else if (routed.outcome() == Outcome.DEAD_LETTER) {
          // The broker dead-letters it to the same queue (at least once), without our headers.
          channel.basicReject(tag, false);
        } else {
          pauseThenRequeue(channel, tag);
        }
        return;
      case REQUEUE:
        pauseThenRequeue(channel, tag);
        return;
    }
  }

  /** Publishes a copy with the extra headers to {@code queue} and waits for its confirm. */
  private boolean copy(
      String queue, AMQP.BasicProperties properties, byte[] body, Map<String, Object> extra) {
    Map<String, Object> headers =
        properties.getHeaders() == null ? new HashMap<>() : new HashMap<>(properties.getHeaders());
    headers.keySet().removeIf(AmqpEnvelopeCodec::isBrokers);
    headers.putAll(extra);
    AMQP.BasicProperties copy = properties.builder().headers(headers).deliveryMode(2).build();
    try {
      publisher
          .publish(List.of(new AmqpPublisher.Outgoing("", queue, copy, body)))
          .get(settings.publishTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      log.error(
          "copying message {} to {} failed: {}",
          properties.getMessageId(),
          queue,
          e.getCause() == null ? e.toString() : e.getCause().toString());
      return false;
    }
  }

  private void pauseThenRequeue(Channel channel, long tag) throws IOException {
    try {
      Thread.sleep(FAILURE_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    channel.basicNack(tag, false, true);
  }

  private long backoff(int failedAttempts) {
    long delay = settings.retryBackoffMs << Math.min(failedAttempts - 1, 20);
    return Math.min(delay, settings.retryBackoffMaxMs);
  }

  private static int saturatedSum(int a, int b) {
    long sum = (long) a + b;
    return sum > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) sum;
  }
}
