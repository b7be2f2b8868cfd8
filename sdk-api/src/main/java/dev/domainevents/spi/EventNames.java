package dev.domainevents.spi;

/**
 * The one rule for event names, used by the annotation processor and the runtime alike, so a name
 * the compiler accepts is one every infra accepts, and the other way round.
 *
 * <p>An event name is {@code Aggregate:Action}, e.g. {@code Goods:Shopping}:
 *
 * <ul>
 *   <li>{@code Aggregate} is the entity's simple name: an ASCII letter, then ASCII letters, digits
 *       or {@code _};
 *   <li>{@code Action} is the raising method's name with its first letter upper-cased: an
 *       upper-case ASCII letter, then ASCII letters, digits or {@code _};
 *   <li>the whole name is at most {@link #MAX_LENGTH} characters.
 * </ul>
 *
 * <p>So {@code Goods:shopping} is not an event name (the action must start upper-case), and neither
 * is a name with {@code $} or a non-ASCII letter: such names cannot be turned into a legal topic
 * and constant name on every platform. A name without {@code ':'} is never an event name; it is how
 * the runtime tells a plain topic message (see {@link Topics}) from a domain event.
 */
public final class EventNames {
  /** Separates the aggregate type from the action. */
  public static final char SEPARATOR = ':';

  /**
   * The longest event name: leaves room for a derived topic and its retry and dead-letter forms.
   */
  public static final int MAX_LENGTH = 200;

  private EventNames() {}

  /** Returns whether {@code name} is a legal event name. */
  public static boolean isLegal(String name) {
    // The same rule as problemWith, without its substrings: entities check every raised name.
    if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
      return false;
    }
    int colon = name.indexOf(SEPARATOR);
    if (colon <= 0 || colon == name.length() - 1) {
      return false;
    }
    return isAsciiLetter(name.charAt(0))
        && firstIllegal(name, 1, colon) < 0
        && isAsciiUpper(name.charAt(colon + 1))
        && firstIllegal(name, colon + 2, name.length()) < 0;
  }

  /**
   * Returns why {@code name} is not a legal event name, or {@code null} if it is. The reason is a
   * sentence fragment that quotes the name, e.g. {@code "Goods:shopping" must ...}.
   */
  public static String problemWith(String name) {
    if (name == null || name.isEmpty()) {
      return "an event name cannot be empty";
    }
    if (name.length() > MAX_LENGTH) {
      return "an event name is at most "
          + MAX_LENGTH
          + " characters, \""
          + abbreviate(name)
          + "\" has "
          + name.length();
    }
    int colon = name.indexOf(SEPARATOR);
    if (colon < 0) {
      return "\"" + name + "\" must have the form Aggregate:Action, e.g. Goods:Shopping";
    }
    String aggregate = name.substring(0, colon);
    String action = name.substring(colon + 1);
    String problem = aggregateTypeProblem(aggregate);
    if (problem != null) {
      return "\"" + name + "\": " + problem;
    }
    if (action.isEmpty() || !isAsciiUpper(action.charAt(0))) {
      return "\""
          + name
          + "\": the action after ':' must start with an upper-case ASCII letter,"
          + " e.g. Goods:Shopping";
    }
    int bad = firstIllegalTail(action);
    if (bad >= 0) {
      return "\""
          + name
          + "\": the action contains '"
          + action.charAt(bad)
          + "'; use only ASCII letters, digits and '_'";
    }
    return null;
  }

  /**
   * Returns why {@code simpleName} cannot be an aggregate type (the part before {@code ':'}), or
   * {@code null} if it can. The processor checks entity class names with it.
   */
  public static String aggregateTypeProblem(String simpleName) {
    if (simpleName == null || simpleName.isEmpty()) {
      return "the aggregate type before ':' cannot be empty";
    }
    if (!isAsciiLetter(simpleName.charAt(0))) {
      return "the aggregate type \"" + simpleName + "\" must start with an ASCII letter";
    }
    int bad = firstIllegalTail(simpleName);
    if (bad >= 0) {
      return "the aggregate type \""
          + simpleName
          + "\" contains '"
          + simpleName.charAt(bad)
          + "'; use only ASCII letters, digits and '_'";
    }
    return null;
  }

  /**
   * Returns the event name raised by {@code methodName} of the entity {@code aggregateType}: {@code
   * ("Goods", "shopping")} → {@code "Goods:Shopping"}. The result is not checked; see {@link
   * #problemWith}.
   */
  public static String of(String aggregateType, String methodName) {
    if (methodName.isEmpty()) {
      return aggregateType + SEPARATOR;
    }
    return aggregateType
        + SEPARATOR
        + Character.toUpperCase(methodName.charAt(0))
        + methodName.substring(1);
  }

  /** Returns whether {@code name} names a domain event rather than a plain topic message. */
  public static boolean isEventName(String name) {
    return name.indexOf(SEPARATOR) >= 0;
  }

  /**
   * Returns the aggregate type of a legal event name, the part before {@code ':'}.
   *
   * @throws IllegalArgumentException if {@code name} is not a legal event name
   */
  public static String aggregateType(String name) {
    requireLegal(name);
    return name.substring(0, name.indexOf(SEPARATOR));
  }

  /**
   * Returns {@code name} if it is a legal event name.
   *
   * @throws IllegalArgumentException naming the problem otherwise
   */
  public static String requireLegal(String name) {
    if (isLegal(name)) {
      return name;
    }
    throw new IllegalArgumentException("illegal event name: " + problemWith(name));
  }

  private static int firstIllegalTail(String part) {
    return firstIllegal(part, 1, part.length());
  }

  private static int firstIllegal(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '_') {
        return i;
      }
    }
    return -1;
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'a' && c <= 'z') || isAsciiUpper(c);
  }

  private static boolean isAsciiUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static String abbreviate(String name) {
    return name.substring(0, 40) + "...";
  }
}
