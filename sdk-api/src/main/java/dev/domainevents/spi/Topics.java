package dev.domainevents.spi;

import java.util.Locale;

/**
 * Kafka topic names: the default topic of an event (one per aggregate type), and what makes a name
 * legal.
 *
 * <p>The annotation processor and the runtime both use this class, so a topic the compiler accepted
 * is one the broker accepts.
 */
public final class Topics {
  /** Kafka's limit on a topic name's length. */
  public static final int MAX_LENGTH = 249;

  private Topics() {}

  /**
   * Returns the default topic of an event: one topic per aggregate type, so that every event of one
   * aggregate lands on one topic and, keyed by the aggregate id, on one partition, in the order
   * raised. The topic is the entity's simple name, lower-cased, with camel case split by dashes:
   * {@code Goods:Shopping} → {@code goods}, {@code ShoppingCart:CheckOut} → {@code shopping-cart},
   * {@code IODevice:ReadIO} → {@code io-device}.
   *
   * @throws IllegalArgumentException if {@code eventName} is not a legal event name ({@link
   *     EventNames})
   */
  public static String defaultTopic(String eventName) {
    EventNames.requireLegal(eventName);
    int colon = eventName.indexOf(EventNames.SEPARATOR);
    StringBuilder topic = new StringBuilder(colon + 4);
    appendKebab(topic, eventName, 0, colon);
    return topic.toString();
  }

  /**
   * Returns {@code camelCase} lower-cased, with camel case split by dashes, the way every derived
   * name is: {@code ShoppingCart} → {@code shopping-cart}, {@code ReadIO} → {@code read-io}.
   */
  public static String kebab(String camelCase) {
    StringBuilder out = new StringBuilder(camelCase.length() + 4);
    appendKebab(out, camelCase, 0, camelCase.length());
    return out.toString();
  }

  private static void appendKebab(StringBuilder out, String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (Character.isUpperCase(c)) {
        // A word starts at an upper-case letter after a lower-case one ("addLine"), or at the
        // last capital of an acronym that a lower-case letter follows ("IODevice").
        boolean afterLower = i > from && !Character.isUpperCase(s.charAt(i - 1));
        boolean endsAcronym =
            i > from
                && i + 1 < to
                && Character.isLowerCase(s.charAt(i + 1))
                && Character.isUpperCase(s.charAt(i - 1));
        if (afterLower || endsAcronym) {
          out.append('-');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
  }

  /**
   * Returns why {@code topic} cannot carry domain events although it may be a legal topic name, or
   * {@code null} if it can. An infra derives a retry topic {@code retry-<topic>} and a dead-letter
   * topic {@code fail-<topic>} from each event topic, so the longer, {@code retry-<topic>}, must be
   * legal too: an event topic is at most {@code MAX_LENGTH - 6} characters.
   */
  public static String eventTopicProblem(String topic) {
    String problem = problemWith(topic);
    if (problem != null) {
      return problem;
    }
    String retry = "retry-" + topic;
    if (retry.length() > MAX_LENGTH) {
      return "its retry topic retry-"
          + topic.substring(0, 20)
          + "... would have "
          + retry.length()
          + " characters, more than Kafka's "
          + MAX_LENGTH
          + "; an event topic has at most "
          + (MAX_LENGTH - 6);
    }
    return problemWith(retry);
  }

  /** Returns whether {@code topic} is a legal Kafka topic name. */
  public static boolean isLegal(String topic) {
    return problemWith(topic) == null;
  }

  /**
   * Returns why {@code topic} is not a legal Kafka topic name, or {@code null} if it is. Legal
   * names are 1 to 249 characters of ASCII letters, digits, {@code .}, {@code _} and {@code -},
   * other than {@code .} and {@code ..}.
   */
  public static String problemWith(String topic) {
    if (topic == null || topic.isEmpty()) {
      return "a topic name cannot be empty";
    }
    if (topic.equals(".") || topic.equals("..")) {
      return "a topic name cannot be \".\" or \"..\"";
    }
    if (topic.length() > MAX_LENGTH) {
      return "\"" + topic + "\" is longer than " + MAX_LENGTH + " characters";
    }
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      boolean legal =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!legal) {
        return String.format(
            Locale.ROOT,
            "\"%s\" contains '%c'; use only ASCII letters, digits, '.', '_' and '-'",
            topic,
            c);
      }
    }
    return null;
  }
}
