package dev.domainevents.dedupe.redis;

import dev.domainevents.EventContext;
import dev.domainevents.spi.DedupeStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/**
 * A {@link DedupeStore} over Redis, for services without a relational database: one key per
 * (consumer group, event id) that expires after a TTL.
 *
 * <p>Each delivery first <em>claims</em> its key ({@code SET key <token> NX PX claimTtl}), runs the
 * handler, then <em>confirms</em> it ({@code SET key done PX ttl}). A key already confirmed is a
 * duplicate: the handler is not called. A key claimed by another delivery (another instance after a
 * rebalance) makes this one fail, so the infra keeps the record and tries again later, when the key
 * is confirmed (a duplicate) or the claim expired (the other delivery died). A handler failure
 * releases the claim, so a retry handles the event afresh.
 *
 * <p><b>This narrows the window for a repeated effect but cannot close it.</b> Redis does not share
 * the handler's transaction: if the process dies after the handler's effect and before the confirm
 * (or Redis is unreachable then), the claim expires and the redelivered event is handled again. It
 * is also not durable beyond Redis's own persistence. Where the effect is a database write, use
 * {@code sdk-dedupe-jdbc}'s {@code JdbcDedupeStore}, which commits with it.
 *
 * <p>The claim TTL must exceed the handler's longest run (with the infra's in-place retries): after
 * it a second delivery may run alongside. The TTL must exceed the longest redelivery delay: a
 * duplicate later than that is handled again. Thread-safe if the {@link UnifiedJedis} is (a {@code
 * RedisClient} or {@code JedisPooled} is).
 */
public final class RedisDedupeStore implements DedupeStore {
  private static final String DONE = "done";
  private static final String CLAIM = "claim:";

  /** Deletes the key only if it still holds this delivery's claim. */
  private static final String RELEASE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0";

  private final UnifiedJedis redis;
  private final String keyPrefix;
  private final long ttlMillis;
  private final long claimTtlMillis;

  private RedisDedupeStore(Builder builder) {
    this.redis = builder.redis;
    this.keyPrefix = builder.keyPrefix;
    this.ttlMillis = builder.ttl.toMillis();
    this.claimTtlMillis = builder.claimTtl.toMillis();
  }

  /** A store on {@code redis} with the defaults of {@link Builder}. */
  public static RedisDedupeStore create(UnifiedJedis redis) {
    return builder(redis).build();
  }

  /** A builder of a store on {@code redis}. */
  public static Builder builder(UnifiedJedis redis) {
    return new Builder(Objects.requireNonNull(redis, "redis"));
  }

  @Override
  public boolean handleOnce(String consumerGroup, EventContext context, Handling handling)
      throws Exception {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(handling, "handling");
    String key = key(consumerGroup, context.eventId());
    String claim = CLAIM + UUID.randomUUID();
    if (redis.set(key, claim, SetParams.setParams().nx().px(claimTtlMillis)) == null) {
      if (DONE.equals(redis.get(key))) {
        return false;
      }
      throw new IllegalStateException(
          "event "
              + context.name()
              + " "
              + context.eventId()
              + " is being handled by another delivery of group "
              + consumerGroup
              + " (its claim expires within "
              + claimTtlMillis
              + " ms if that delivery died); trying again later");
    }
    try {
      handling.handle(context);
    } catch (Throwable e) {
      release(key, claim, e);
      throw e;
    }
    redis.set(key, DONE, SetParams.setParams().px(ttlMillis));
    return true;
  }

  @Override
  public boolean contains(String consumerGroup, UUID eventId) {
    return DONE.equals(redis.get(key(consumerGroup, eventId)));
  }

  @Override
  public void add(String consumerGroup, UUID eventId) {
    redis.set(key(consumerGroup, eventId), DONE, SetParams.setParams().px(ttlMillis));
  }

  private String key(String consumerGroup, UUID eventId) {
    Objects.requireNonNull(consumerGroup, "consumerGroup");
    Objects.requireNonNull(eventId, "eventId");
    return keyPrefix + consumerGroup + ':' + eventId;
  }

  private void release(String key, String claim, Throwable cause) {
    try {
      redis.eval(RELEASE, List.of(key), List.of(claim));
    } catch (RuntimeException e) {
      // The claim then expires by itself; until it does, retries of this event wait.
      cause.addSuppressed(e);
    }
  }

  /** Options of a {@link RedisDedupeStore}. */
  public static final class Builder {
    private final UnifiedJedis redis;
    private String keyPrefix = "domainevents:dedupe:";
    private Duration ttl = Duration.ofDays(7);
    private Duration claimTtl = Duration.ofMinutes(5);

    private Builder(UnifiedJedis redis) {
      this.redis = redis;
    }

    /** The prefix of every key; {@code domainevents:dedupe:} by default. */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
      return this;
    }

    /** How long a handled event is remembered; 7 days by default. */
    public Builder ttl(Duration ttl) {
      this.ttl = positive(ttl, "ttl");
      return this;
    }

    /**
     * How long a delivery's claim holds while its handler runs; 5 minutes by default. Longer than
     * the handler's longest run, or a second delivery may run alongside.
     */
    public Builder claimTtl(Duration claimTtl) {
      this.claimTtl = positive(claimTtl, "claimTtl");
      return this;
    }

    /** Builds the store. */
    public RedisDedupeStore build() {
      return new RedisDedupeStore(this);
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.toMillis() < 1) {
        throw new IllegalArgumentException(name + " must be at least 1 ms, was " + duration);
      }
      return duration;
    }
  }
}
