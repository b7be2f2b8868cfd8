package dev.domainevents.processor.model;

import com.palantir.javapoet.ClassName;
import dev.domainevents.Apply;
import dev.domainevents.Entity;
import dev.domainevents.EventContext;
import dev.domainevents.EventEnvelope;
import dev.domainevents.EventHandler;
import dev.domainevents.EventSourcedEntity;
import dev.domainevents.EventTopic;
import dev.domainevents.EventType;
import dev.domainevents.RaisesEvent;
import dev.domainevents.Upcaster;
import dev.domainevents.spi.DeferredDispatcher;
import dev.domainevents.spi.EventDispatcher;
import dev.domainevents.spi.EventRegistry;
import javax.annotation.processing.Generated;

/**
 * The types the processor looks up and the generated code names, in one place. They are taken from
 * the class literals of {@code sdk-api}, which the processor depends on, so a renamed SDK type
 * breaks this build instead of every user's.
 *
 * <p>Internal to the processor; not an API.
 */
public final class TypeNames {
  /** {@code dev.domainevents.Entity}, the superclass that makes a class an entity. */
  public static final ClassName ENTITY = ClassName.get(Entity.class);

  /** {@code @EventHandler}. */
  public static final ClassName EVENT_HANDLER = ClassName.get(EventHandler.class);

  /** {@code @RaisesEvent}. */
  public static final ClassName RAISES_EVENT = ClassName.get(RaisesEvent.class);

  /** {@code @EventTopic}, an entity's topic for all its events. */
  public static final ClassName EVENT_TOPIC = ClassName.get(EventTopic.class);

  /** {@code @RaisesEvent.List}, the container of repeated {@code @RaisesEvent}s. */
  public static final ClassName RAISES_EVENT_LIST = ClassName.get(RaisesEvent.List.class);

  /** {@code @Upcaster}. */
  public static final ClassName UPCASTER = ClassName.get(Upcaster.class);

  /** {@code EventContext}, a handler's optional second parameter. */
  public static final ClassName EVENT_CONTEXT = ClassName.get(EventContext.class);

  /** {@code EventEnvelope}, a handler's optional second parameter. */
  public static final ClassName EVENT_ENVELOPE = ClassName.get(EventEnvelope.class);

  /** {@code EventType}, the type of every generated constant. */
  public static final ClassName EVENT_TYPE = ClassName.get(EventType.class);

  /** {@code EventDispatcher}, implemented by every generated dispatcher. */
  public static final ClassName EVENT_DISPATCHER = ClassName.get(EventDispatcher.class);

  /** {@code DeferredDispatcher}, which the generated registry returns for public handlers. */
  public static final ClassName DEFERRED_DISPATCHER = ClassName.get(DeferredDispatcher.class);

  /** {@code EventRegistry}, implemented by the generated registry. */
  public static final ClassName EVENT_REGISTRY = ClassName.get(EventRegistry.class);

  /** {@code @javax.annotation.processing.Generated}, on every generated class. */
  public static final ClassName GENERATED = ClassName.get(Generated.class);

  /** {@code java.lang.Object}, whose methods no event is named after. */
  public static final ClassName OBJECT = ClassName.get(Object.class);

  /** {@code EventSourcedEntity}, the superclass of aggregates that get an applier. */
  public static final ClassName EVENT_SOURCED_ENTITY = ClassName.get(EventSourcedEntity.class);

  /** {@code @Apply}, on the methods a generated applier calls. */
  public static final ClassName APPLY = ClassName.get(Apply.class);

  private TypeNames() {}
}
