package dev.domainevents.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/** Which send failures end in a stub and which are sent again. */
class RoutingExceptionTest {
  @Test
  void aCopyTooLargeIsRefusedForGood() {
    RoutingException e =
        RoutingException.of(new ExecutionException(new RecordTooLargeException("big")));
    assertTrue(e.permanent());
    assertTrue(e.tooLarge());
    assertTrue(e.getCause() instanceof RecordTooLargeException, "the future's cause, unwrapped");
  }

  @Test
  void otherNonRetriableKafkaErrorsAreRefusedForGoodButNotForSize() {
    RoutingException e = RoutingException.of(new InvalidTopicException("fail-" + "x".repeat(250)));
    assertTrue(e.permanent());
    assertFalse(e.tooLarge());
  }

  @Test
  void retriableErrorsTimeOutsAndAClosingProducerAreTransient() {
    assertFalse(
        RoutingException.of(new ExecutionException(new NotEnoughReplicasException("isr")))
            .permanent());
    assertFalse(
        RoutingException.of(new org.apache.kafka.common.errors.TimeoutException("metadata"))
            .permanent());
    assertFalse(RoutingException.of(new TimeoutException()).permanent());
    assertFalse(RoutingException.of(new KafkaException("producer closed")).permanent());
  }

  @Test
  void authorizationAndAuthenticationWaitForAnOperator() {
    // A stub would be refused the same way, and skipping the record would lose it.
    assertFalse(RoutingException.of(new TopicAuthorizationException("fail-goods")).permanent());
    assertFalse(RoutingException.of(new SaslAuthenticationException("bad password")).permanent());
  }

  @Test
  void theMessageNamesTheCause() {
    assertEquals(
        new RecordTooLargeException("big").toString(),
        RoutingException.of(new RecordTooLargeException("big")).getMessage());
  }
}
