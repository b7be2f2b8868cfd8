package dev.domainevents.processor.validation;

import java.util.Locale;
import javax.tools.Diagnostic;

/**
 * Every message the processor prints, each with a stable tag that tests and users can search for, a
 * kind, and wording that says what is wrong and how to fix it.
 *
 * <p>Internal to the processor; not an API. The tags are stable: never rename one.
 */
public enum Messages {
  NAME_NOT_LITERAL(
      "SdkNameNotLiteral",
      "the event name must be a string literal such as \"%1$s:Method\" or a generated constant such"
          + " as %2$s.METHOD, so that it can be checked at compile time; found `%3$s`"),
  NAME_FORMAT(
      "SdkNameFormat",
      "\"%1$s\" is not an event name: %2$s. Use the form Entity:Method with the method's first"
          + " letter upper-cased, e.g. \"%3$s\""),
  ENTITY_NAME(
      "SdkEntityName",
      "entity %1$s cannot raise events: %2$s. Its simple name is the first half of every event"
          + " name it raises, so rename the class"),
  WRONG_ENTITY(
      "SdkWrongEntity",
      "\"%1$s\" is raised by %2$s, so it must start with \"%2$s:\"; an entity raises only its own"
          + " events"),
  UNKNOWN_METHOD("SdkUnknownMethod", "\"%1$s\" names no method of %2$s.%3$s"),
  PAYLOAD_CONFLICT(
      "SdkPayloadConflict",
      "\"%1$s\" carries %2$s here but %3$s elsewhere; one event name carries one payload type, so"
          + " raise one type or give the other a new event name"),
  DUPLICATE_EVENT(
      "SdkDuplicateEvent",
      "\"%1$s\" is raised by both %2$s and %3$s; an event name means one event wherever the"
          + " modules are installed together, so rename one of the entities"),
  CONSTANT_CLASH(
      "SdkConstantClash",
      "\"%1$s\" and \"%2$s\" would both be the constant %3$s; rename one of the methods so"
          + " that their names differ in more than case and underscores"),
  DECLARATION_CONFLICT(
      "SdkDeclarationConflict",
      "\"%1$s\" is declared again with another topic or version (%2$s); declare each event once"),
  PAYLOAD_UNKNOWN(
      "SdkPayloadUnknown",
      "cannot tell the payload type of \"%1$s\" from `%2$s`; pass a new instance, a cast, a field,"
          + " a parameter or a local variable with a declared type, or declare it on the method:"
          + " @RaisesEvent(value = \"%1$s\", payload = YourPayload.class)"),
  GENERIC_PAYLOAD(
      "SdkGenericPayload",
      "the payload of %1$s is %2$s, but a payload must be a non-generic class or record so that"
          + " it can be decoded by its class alone; wrap it in a record"),
  PAYLOAD_NOT_DECODABLE(
      "SdkPayloadNotDecodable",
      "the payload of %1$s is %2$s, which cannot be decoded by its class alone; pass a concrete"
          + " class, record or enum, or declare one with @RaisesEvent(value = ..., payload = ...)"),
  PAYLOAD_NOT_ACCESSIBLE(
      "SdkPayloadNotAccessible",
      "the payload of %1$s is %2$s, which generated code in %3$s cannot name; make it public, or"
          + " at least not private, and not local to a method"),
  RAISES_OUTSIDE_ENTITY(
      "SdkRaisesOutsideEntity",
      "@RaisesEvent on %2$s of %1$s has no effect, because %1$s does not extend Entity; move the"
          + " declaration to the entity method that raises the event"),
  ILLEGAL_TOPIC("SdkIllegalTopic", "%1$s is not a legal Kafka topic name: %2$s"),
  TOPIC_TOO_LONG(
      "SdkTopicTooLong",
      "%1$s is too long for an event topic: %2$s; shorten it, or declare a shorter one with"
          + " @RaisesEvent(topic = ...)"),
  SPLIT_AGGREGATE(
      Diagnostic.Kind.WARNING,
      "SdkSplitAggregate",
      "\"%1$s\" goes to topic %2$s, but %3$s's other events go to %4$s: split over several"
          + " topics, one aggregate's events lose their relative order. Drop the topic override,"
          + " or move it to the entity with @EventTopic(\"%2$s\") so that all its events share it"),
  ILLEGAL_VERSION("SdkIllegalVersion", "schema version %1$d of \"%2$s\" must be 1 or more"),
  UNKNOWN_EVENT("SdkUnknownEvent", "no entity raises \"%1$s\".%2$s"),
  PAYLOAD_MISMATCH(
      "SdkPayloadMismatch",
      "handler %1$s expects %2$s but \"%3$s\" carries %4$s; change the parameter to %4$s"),
  HANDLER_PRIVATE(
      "SdkHandlerPrivate",
      "handler %1$s is private; make it package-private or public so that the generated"
          + " dispatcher can call it"),
  HANDLER_STATIC(
      "SdkHandlerStatic",
      "handler %1$s is static; make it an instance method, because the dispatcher calls it on the"
          + " installed handler object"),
  HANDLER_NOT_VOID(
      "SdkHandlerNotVoid",
      "handler %1$s returns %2$s; make it return void, since nothing would receive the result"),
  HANDLER_PARAMETERS(
      "SdkHandlerParameters",
      "handler %1$s has %2$d parameters; declare the payload, then optionally an EventContext or"
          + " an EventEnvelope"),
  HANDLER_SECOND_PARAMETER(
      "SdkHandlerSecondParameter",
      "the second parameter of handler %1$s is %2$s; it must be EventContext or EventEnvelope"),
  BATCH_RAW_LIST(
      "SdkBatchRawList",
      "handler %1$s takes a raw List; declare the payload type as its element, e.g."
          + " List<GoodsObj>, so that the processor can check it and the dispatcher cast to it"),
  BATCH_WILDCARD(
      "SdkBatchWildcard",
      "handler %1$s takes %2$s; a batch handler takes a List of the payload type itself, e.g."
          + " List<%3$s>, without a wildcard"),
  BATCH_COLLECTION(
      "SdkBatchCollection",
      "handler %1$s takes %2$s; a batch handler takes a java.util.List of the payload type, e.g."
          + " List<%3$s>; other collections and arrays are not supported"),
  BATCH_ELEMENT_TYPE(
      "SdkBatchElementType",
      "batch handler %1$s takes List<%2$s> but \"%3$s\" carries %4$s; change the parameter to"
          + " List<%4$s>"),
  BATCH_SECOND_PARAMETER(
      "SdkBatchSecondParameter",
      "the second parameter of batch handler %1$s is %2$s; it must be List<EventContext>, which"
          + " holds one context per payload, in the same order"),
  HANDLER_CLASS(
      "SdkHandlerClass",
      "handler class %1$s must be a top-level class or a static nested class that is not private,"
          + " so that the generated dispatcher can reach it"),
  DUPLICATE_HANDLER(
      "SdkDuplicateHandler",
      "%1$s and %2$s both handle \"%3$s\" in %4$s; keep one handler method per event in a class"),
  HANDLER_TARGET(
      "SdkHandlerTarget",
      "@EventHandler on %1$s %2$s; name exactly one of an event, @EventHandler(\"Goods:Shopping\"),"
          + " or a topic, @EventHandler(topic = \"event-sell\")"),
  UNRESOLVED_TYPE(
      "SdkUnresolvedType",
      "cannot resolve the type %1$s used by %2$s; check its spelling and import, or if another"
          + " annotation processor generates it, make sure that processor runs in this"
          + " compilation"),
  REGISTRY_CLOSED(
      "SdkRegistryClosed",
      "%1$s appeared after the event registry %2$s was written, so it is not registered; let the"
          + " processor that generates it run before sdk-processor, or move it to another module"),
  REGISTRY_OPTION(
      "SdkRegistryOption",
      "-Adomainevents.registry=%1$s is not a qualified class name; use e.g."
          + " -Adomainevents.registry=com.acme.ShopEventRegistry"),
  MISSING_APPLY(
      "SdkMissingApply",
      "%1$s raises \"%2$s\" but has no @Apply method for it, so loading %1$s would skip it; add"
          + " @Apply void on%3$s(%4$s event)"),
  APPLY_UNRAISED(
      "SdkApplyUnraised",
      "@Apply method %1$s applies %2$s, which %3$s never raises; raise it, or remove the method"),
  APPLY_AMBIGUOUS(
      "SdkApplyAmbiguous",
      "@Apply method %1$s takes %2$s, which %3$s raises as %4$s; name one, e.g."
          + " @Apply(\"%5$s\")"),
  APPLY_PAYLOAD_MISMATCH(
      "SdkApplyPayloadMismatch",
      "@Apply method %1$s takes %2$s but \"%3$s\" carries %4$s; change the parameter to %4$s"),
  DUPLICATE_APPLY(
      "SdkDuplicateApply",
      "%1$s and %2$s both apply \"%3$s\" in %4$s; keep one @Apply method per event"),
  APPLY_NOT_VOID(
      "SdkApplyNotVoid",
      "@Apply method %1$s returns %2$s; make it return void, since an apply only changes state"),
  APPLY_STATIC(
      "SdkApplyStatic",
      "@Apply method %1$s is static; make it an instance method, since it changes the aggregate"),
  APPLY_PRIVATE(
      "SdkApplyPrivate",
      "@Apply method %1$s is private; make it package-private so that the generated applier can"
          + " call it"),
  APPLY_PARAMETERS(
      "SdkApplyParameters",
      "@Apply method %1$s has %2$d parameters; declare exactly one, the event's payload"),
  APPLY_OUTSIDE_AGGREGATE(
      "SdkApplyOutsideAggregate",
      "@Apply on %1$s has no effect, because %2$s does not extend EventSourcedEntity; extend it,"
          + " or remove the annotation"),
  SCHEMA_CHANGED(
      "SdkSchemaChanged",
      "the payload of \"%1$s\" (%2$s) changed since version %3$d was locked in %4$s, and the"
          + " change is not %5$s compatible:%n%6$s%nChanges:%n%7$s%nFix: raise the version with"
          + " @RaisesEvent(value = \"%1$s\", version = %8$d) on %9$s, and add a static"
          + " @Upcaster(event = \"%1$s\", from = %3$d) method that turns version %3$d into %8$d;"
          + " or, if no record of version %3$d exists anywhere yet, accept the change with"
          + " -Adomainevents.lock.update=true"),
  VERSION_LOWERED(
      "SdkVersionLowered",
      "\"%1$s\" is at version %2$d, but version %3$d is locked in %4$s; a version never goes"
          + " down, since records of version %3$d may exist. Declare @RaisesEvent(value ="
          + " \"%1$s\", version = %3$d) or higher"),
  SCHEMA_UNLOCKED(
      Diagnostic.Kind.WARNING,
      "SdkSchemaUnlocked",
      "%1$s of \"%2$s\" is not in %3$s yet%4$s; record it with -Adomainevents.lock.update=true"
          + " and commit the lock file, so that later changes are checked against it"),
  NO_LOCK_FILE(
      Diagnostic.Kind.NOTE,
      "SdkNoLockFile",
      "no lock file %1$s, so payload schemas are not checked; create it with"
          + " -Adomainevents.lock=<path to src/main/resources/%1$s>"
          + " -Adomainevents.lock.update=true and commit it"),
  LOCK_FILE(
      "SdkLockFile",
      "cannot use the lock file %1$s: %2$s; fix it, or delete it and regenerate it with"
          + " -Adomainevents.lock.update=true"),
  LOCK_OPTION(
      "SdkLockOption",
      "%1$s; e.g. -Adomainevents.lock=${project.basedir}/src/main/resources/%2$s"
          + " -Adomainevents.compatibility=BACKWARD"),
  UPCASTER_SIGNATURE(
      "SdkUpcasterSignature",
      "upcaster %1$s must be declared `public static Map<String, Object> %2$s(Map<String, Object>"
          + " tree)` in a public class, so that the generated registry can call it; %3$s"),
  UPCASTER_TARGET("SdkUpcasterTarget", "@Upcaster(event = \"%1$s\", from = %2$d) on %3$s %4$s"),
  DUPLICATE_UPCASTER(
      "SdkDuplicateUpcaster", "%1$s and %2$s both upcast \"%3$s\" from version %4$d; keep one"),
  MISSING_UPCASTER(
      "SdkMissingUpcaster",
      "\"%1$s\" is at version %2$d and records of version %3$d are locked in %4$s, but no"
          + " upcaster turns version %5$d into %6$d; add `@Upcaster(event = \"%1$s\", from = %5$d)"
          + " public static Map<String, Object> ...(Map<String, Object> v%5$d)`"),
  INTERNAL(
      "SdkInternal",
      "sdk-processor failed on %1$s, which was skipped; please report this with the stack"
          + " trace:%n%2$s"),
  NO_TREE_API(
      Diagnostic.Kind.NOTE,
      "SdkNoTreeApi",
      "this compiler offers no syntax tree API (com.sun.source), so domainEvent(...) calls are not"
          + " read or checked; only events declared with @RaisesEvent(value = ..., payload = ...)"
          + " on entity methods are registered");

  private final Diagnostic.Kind kind;
  private final String tag;
  private final String format;

  Messages(String tag, String format) {
    this(Diagnostic.Kind.ERROR, tag, format);
  }

  Messages(Diagnostic.Kind kind, String tag, String format) {
    this.kind = kind;
    this.tag = tag;
    this.format = format;
  }

  /** The stable tag, e.g. {@code SdkUnknownMethod}. */
  public String tag() {
    return tag;
  }

  /** Whether the message is an error, a warning or a note. */
  public Diagnostic.Kind kind() {
    return kind;
  }

  /** The full text: {@code [Tag] } followed by the formatted message. */
  public String format(Object... arguments) {
    return "[" + tag + "] " + String.format(Locale.ROOT, format, arguments);
  }
}
