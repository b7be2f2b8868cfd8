package dev.domainevents.spi;

import dev.domainevents.EventType;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a consumer does with a record written with a schema version newer than its code knows:
 * dead-letter it as poison (the default: {@link Upcasting#decode} refuses it, so it is never
 * misread), or skip it and commit past it, for a consumer that may safely ignore what a newer
 * producer sends. Each infra reads the choice from its {@value #SETTING} setting and asks {@link
 * #skips} before decoding.
 */
public final class NewerVersions {
  private static final Logger log = LoggerFactory.getLogger(NewerVersions.class);

  /** The setting every infra reads: {@code dead-letter} (the default) or {@code skip}. */
  public static final String SETTING = "domainevents.newer.versions";

  /** The most distinct event name and version pairs remembered for the once-only warning. */
  private static final int MAX_WARNED = 10_000;

  private final boolean skip;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  private NewerVersions(boolean skip) {
    this.skip = skip;
  }

  /** Newer versions go to the dead-letter topic or queue, with the reason. */
  public static NewerVersions deadLetter() {
    return new NewerVersions(false);
  }

  /** Newer versions are skipped and committed, with a warning once per event and version. */
  public static NewerVersions skip() {
    return new NewerVersions(true);
  }

  /**
   * Reads the value of {@link #SETTING}; {@code null} is the default.
   *
   * @throws IllegalArgumentException if it is neither {@code dead-letter} nor {@code skip}
   */
  public static NewerVersions of(String value) {
    if (value == null) {
      return deadLetter();
    }
    switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "dead-letter":
        return deadLetter();
      case "skip":
        return skip();
      default:
        throw new IllegalArgumentException(
            SETTING + "=" + value + ": expected dead-letter (the default) or skip");
    }
  }

  /** Whether records of newer versions are skipped rather than dead-lettered. */
  public boolean skipping() {
    return skip;
  }

  /** The setting's value for this choice. */
  public String value() {
    return skip ? "skip" : "dead-letter";
  }

  /**
   * Whether {@code version} is newer than the version {@code type} has in this service's code;
   * never for a payload forwarded {@linkplain Upcasting#forwardsRaw raw}, which is not read here.
   */
  public static boolean isNewer(EventType<?> type, int version) {
    return version > type.schemaVersion() && !Upcasting.forwardsRaw(type);
  }

  /**
   * Returns whether to skip a record of {@code type} written with {@code version}: only if it is
   * newer and this policy skips. The first skip of each event name and version is logged at WARN,
   * since the service is missing events it may need; later ones are not, so a backlog of them does
   * not flood the log.
   */
  public boolean skips(EventType<?> type, int version) {
    Objects.requireNonNull(type, "type");
    if (!skip || !isNewer(type, version)) {
      return false;
    }
    if (warned.size() < MAX_WARNED && warned.add(type.name() + "@" + version)) {
      log.warn(
          "skipping records of {} written with schema version {}: this service knows only up to"
              + " version {} ({}=skip); deploy the newer consumer to handle them. Further ones are"
              + " skipped without a warning",
          type.name(),
          version,
          type.schemaVersion(),
          SETTING);
    }
    return true;
  }

  @Override
  public String toString() {
    return SETTING + "=" + value();
  }
}
