package dev.domainevents.processor.validation;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;

/** Finds the close spelling a user probably meant, for "Did you mean" hints. */
final class Suggestions {
  private Suggestions() {}

  /**
   * Returns the candidate closest to {@code wrong} by edit distance, if it is close enough to be a
   * likely typo: at most a third of the word, and at least 1, edits away. Ties go to the
   * alphabetically first candidate, so the hint is deterministic.
   */
  static Optional<String> closest(String wrong, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : new TreeSet<>(candidates)) {
      int distance = distance(wrong.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    int allowed = Math.max(2, wrong.length() / 3);
    return best != null && bestDistance <= allowed && !best.equals(wrong)
        ? Optional.of(best)
        : Optional.empty();
  }

  /** Formats the hint: {@code Did you mean "x"?}, or {@code fallback} when nothing is close. */
  static String didYouMean(String wrong, Collection<String> candidates, String fallback) {
    return closest(wrong, candidates).map(s -> " Did you mean \"" + s + "\"?").orElse(fallback);
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
