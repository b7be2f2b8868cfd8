package dev.domainevents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the Kafka topic of every event an entity raises, instead of the default one topic per
 * aggregate type ({@code Goods} → {@code goods}, see {@link
 * dev.domainevents.spi.Topics#defaultTopic}).
 *
 * <pre>{@code
 * @EventTopic("shop.goods")
 * public final class Goods extends Entity { ... }
 * }</pre>
 *
 * <p>All of the entity's events still share one topic, so one aggregate's events keep the order in
 * which they were raised. A {@code @RaisesEvent(topic = ...)} on one event overrides this; the
 * processor warns ({@code [SdkSplitAggregate]}) when that splits the entity's events over several
 * topics, since their relative order is then lost.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface EventTopic {
  /** The topic: a legal Kafka topic name with room for its {@code retry-} form. */
  String value();
}
