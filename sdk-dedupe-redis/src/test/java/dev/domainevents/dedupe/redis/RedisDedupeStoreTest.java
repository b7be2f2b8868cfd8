package dev.domainevents.dedupe.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/** {@link RedisDedupeStore} against Redis at 127.0.0.1:6379, under a key prefix of its own. */
@Tag("redis")
class RedisDedupeStoreTest {
  private static final String GROUP = "shop";

  private RedisClient redis;
  private String prefix;
  private RedisDedupeStore store;

  @BeforeEach
  void connect() {
    redis = RedisClient.create("127.0.0.1", 6379);
    prefix = "domainevents-test:" + UUID.randomUUID() + ":";
    store = RedisDedupeStore.builder(redis).keyPrefix(prefix).ttl(Duration.ofMinutes(10)).build();
  }

  @AfterEach
  void deleteKeys() {
    Set<String> keys = redis.keys(prefix + "*");
    if (!keys.isEmpty()) {
      redis.del(keys.toArray(new String[0]));
    }
    redis.close();
  }

  private static EventContext event() {
    return EventContext.of(
        new EventEnvelope(
            UUID.randomUUID(),
            "Goods:Shopping",
            "Goods",
            "1",
            "p",
            Map.of(),
            Instant.now(),
            "c",
            null,
            1));
  }

  private String key(EventContext context) {
    return prefix + GROUP + ":" + context.eventId();
  }

  @Test
  void anEventIsHandledOnceAndRememberedForTheTtl() throws Exception {
    EventContext event = event();
    AtomicInteger runs = new AtomicInteger();

    assertTrue(store.handleOnce(GROUP, event, context -> runs.incrementAndGet()));
    assertFalse(store.handleOnce(GROUP, event, context -> runs.incrementAndGet()), "a duplicate");
    assertTrue(store.handleOnce("other-group", event, context -> runs.incrementAndGet()));
    assertEquals(2, runs.get());
    assertTrue(store.contains(GROUP, event.eventId()));

    long ttl = redis.pttl(key(event));
    assertTrue(
        ttl > Duration.ofMinutes(9).toMillis() && ttl <= Duration.ofMinutes(10).toMillis(),
        "ttl " + ttl);
  }

  @Test
  void aHandlerFailureReleasesTheClaimSoARetryHandlesIt() throws Exception {
    EventContext event = event();
    Exception failure = new Exception("handler failed");
    Exception thrown =
        assertThrows(
            Exception.class,
            () ->
                store.handleOnce(
                    GROUP,
                    event,
                    context -> {
                      throw failure;
                    }));
    assertSame(failure, thrown, "the handler's failure comes back unchanged");
    assertNull(redis.get(key(event)), "the claim is released");
    assertFalse(store.contains(GROUP, event.eventId()));

    assertTrue(store.handleOnce(GROUP, event, context -> {}));
    assertTrue(store.contains(GROUP, event.eventId()));
  }

  @Test
  void aDeliveryClaimedElsewhereFailsAndIsNotHandledAlongside() throws Exception {
    EventContext event = event();
    AtomicInteger runs = new AtomicInteger();
    store.handleOnce(
        GROUP,
        event,
        context -> {
          runs.incrementAndGet();
          // A second delivery (another instance after a rebalance) arrives while this one runs.
          IllegalStateException busy =
              assertThrows(
                  IllegalStateException.class,
                  () -> store.handleOnce(GROUP, event, again -> runs.incrementAndGet()));
          assertTrue(
              busy.getMessage().contains("being handled by another delivery"), busy.getMessage());
        });
    assertEquals(1, runs.get());
    assertFalse(
        store.handleOnce(GROUP, event, context -> runs.incrementAndGet()), "then a duplicate");
  }

  @Test
  void theClaimOfADeliveryThatDiedExpiresAndTheEventIsHandledThen() throws Exception {
    RedisDedupeStore shortClaims =
        RedisDedupeStore.builder(redis).keyPrefix(prefix).claimTtl(Duration.ofMillis(300)).build();
    EventContext event = event();
    // What a process killed inside its handler leaves behind: a claim, never confirmed.
    redis.set(key(event), "claim:dead", SetParams.setParams().px(300));
    assertThrows(
        IllegalStateException.class, () -> shortClaims.handleOnce(GROUP, event, context -> {}));

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (redis.exists(key(event)) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    AtomicInteger runs = new AtomicInteger();
    assertTrue(shortClaims.handleOnce(GROUP, event, context -> runs.incrementAndGet()));
    assertEquals(1, runs.get());
  }

  @Test
  void addAndContainsWorkWithoutAHandler() {
    UUID id = UUID.randomUUID();
    assertFalse(store.contains(GROUP, id));
    store.add(GROUP, id);
    assertTrue(store.contains(GROUP, id));
    assertThrows(NullPointerException.class, () -> store.contains(null, id));
  }
}
