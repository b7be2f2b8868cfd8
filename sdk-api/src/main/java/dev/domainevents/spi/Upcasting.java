package dev.domainevents.spi;

import dev.domainevents.EventType;
import dev.domainevents.spi.PayloadDecodingException.Problem;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Decodes a stored or shipped payload of any schema version into the current payload type: the
 * current version as it is, an older one through the {@code @Upcaster} chain of the catalog, and a
 * newer one not at all. Every infra that reads payloads decodes through here.
 */
public final class Upcasting {
  private Upcasting() {}

  /**
   * Whether {@code type}'s payload is kept as the raw bytes, as a forwarding proxy keeps it: such a
   * payload is passed on as written, in whatever version, and its version travels on unchanged, for
   * the consumer that decodes it to check.
   */
  public static boolean forwardsRaw(EventType<?> type) {
    return type.payloadType() == byte[].class;
  }

  /**
   * Decodes {@code data}, written with schema {@code version} of {@code type}, into the current
   * payload type. An older version is decoded into a tree, upcast one version at a time, and
   * encoded again: slower, but only old records pay for it. A {@linkplain #forwardsRaw raw} payload
   * is returned as it is.
   *
   * @throws PayloadDecodingException {@link Problem#NEWER_VERSION} if {@code version} is newer than
   *     {@code type}'s, {@link Problem#NO_UPCASTER} if a step of the chain is missing, or as the
   *     codec throws
   */
  public static <T> T decode(
      PayloadCodec codec, EventCatalog catalog, EventType<T> type, int version, byte[] data) {
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(type, "type");
    if (forwardsRaw(type)) {
      return codec.decode(data, type.payloadType());
    }
    if (version == type.schemaVersion()) {
      return codec.decode(data, type.payloadType());
    }
    if (NewerVersions.isNewer(type, version)) {
      // A consumer configured to skip these asks NewerVersions.skips before decoding.
      throw new PayloadDecodingException(
          Problem.NEWER_VERSION,
          type.name()
              + " was written with schema version "
              + version
              + ", but this service knows only up to version "
              + type.schemaVersion()
              + "; deploy the newer consumer",
          null);
    }
    if (version < 1) {
      throw new PayloadDecodingException(
          Problem.MISMATCH,
          "schema version " + version + " of " + type.name() + " is not 1 or more",
          null);
    }
    Objects.requireNonNull(catalog, "catalog");
    Map<String, Object> tree = codec.decodeTree(data);
    for (int from = version; from < type.schemaVersion(); from++) {
      UnaryOperator<Map<String, Object>> upcaster = catalog.upcaster(type.name(), from);
      if (upcaster == null) {
        throw new PayloadDecodingException(
            Problem.NO_UPCASTER,
            type.name()
                + " was written with schema version "
                + version
                + ", and no @Upcaster(event = \""
                + type.name()
                + "\", from = "
                + from
                + ") is registered",
            null);
      }
      tree = upcaster.apply(tree);
      if (tree == null) {
        throw new PayloadDecodingException(
            Problem.MISMATCH,
            "the upcaster of " + type.name() + " from version " + from + " returned null",
            null);
      }
    }
    return codec.decode(codec.encodeTree(tree), type.payloadType());
  }
}
