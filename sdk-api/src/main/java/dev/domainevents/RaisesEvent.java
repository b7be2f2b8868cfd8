package dev.domainevents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an event raised by an entity method, explicitly.
 *
 * <p>Usually not needed: the annotation processor reads {@code domainEvent(...)} calls and takes
 * the payload type from the call site. Declare the event when the processor asks you to (it cannot
 * tell the payload type of an expression), to override the Kafka topic or schema version, or when
 * compiling with a compiler that offers no syntax trees (such as Eclipse's).
 *
 * <pre>{@code
 * @RaisesEvent(value = "Goods:Shopping", payload = GoodsObj.class, topic = "shop.goods")
 * public void shopping(int amount) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
@Repeatable(RaisesEvent.List.class)
public @interface RaisesEvent {
  /** The event name, {@code Entity:Method}. */
  String value();

  /** The payload type; {@code void.class} means "as inferred from the call site". */
  Class<?> payload() default void.class;

  /**
   * The Kafka topic; empty means the entity's ({@link EventTopic}, or by default one per aggregate
   * type, e.g. {@code goods}). A topic that differs from the entity's splits its events, and their
   * relative order, over several topics.
   */
  String topic() default "";

  /** The payload's schema version. */
  int version() default 1;

  /** Holds several {@link RaisesEvent} declarations on one method. */
  @Documented
  @Retention(RetentionPolicy.CLASS)
  @Target(ElementType.METHOD)
  @interface List {
    /** The declarations. */
    RaisesEvent[] value();
  }
}
