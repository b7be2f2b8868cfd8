package dev.domainevents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the method of an {@link EventSourcedEntity} that applies one of its events to its state:
 * {@code @Apply void on(GoodsObj event)}. The method takes the event's payload, returns {@code
 * void}, and is neither static nor private.
 *
 * <p>The annotation processor generates one applier per aggregate ({@code Goods} → {@code
 * Goods_Applier}) that calls these methods directly, and fails the build when an event the
 * aggregate raises has no apply method ({@code [SdkMissingApply]}), when an apply method matches no
 * raised event, or when two apply the same event.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Apply {
  /**
   * The event applied, e.g. {@code "Goods:Shopping"}; by default, the one event of the aggregate
   * whose payload is the method's parameter type. Name it when two events carry that type.
   */
  String value() default "";
}
