package dev.domainevents;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static method that turns the JSON object of an event's version {@link #from()} into the
 * JSON object of version {@code from + 1}, so that consumers can read records written before the
 * payload changed.
 *
 * <p>The tree is a {@code Map<String, Object>} as JSON reads it: objects are maps, arrays are
 * lists, numbers, strings, booleans and {@code null} as they are. The method may change the map it
 * is given and return it.
 *
 * <pre>{@code
 * @Upcaster(event = "Goods:Shopping", from = 1)
 * static Map<String, Object> amountBecomesQuantity(Map<String, Object> v1) {
 *   v1.put("quantity", v1.remove("amount"));
 *   return v1;
 * }
 * }</pre>
 *
 * <p>The annotation processor checks that every version in the lock file has its upcaster up to the
 * current one, and lists them in the generated registry; nothing is found by reflection.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Upcaster {
  /** The event name, {@code Entity:Method}. */
  String event();

  /** The version this method reads; it returns version {@code from + 1}. */
  int from();
}
