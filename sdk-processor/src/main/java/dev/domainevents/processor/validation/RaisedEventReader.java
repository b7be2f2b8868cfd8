package dev.domainevents.processor.validation;

import com.sun.source.util.TreePath;
import dev.domainevents.processor.model.GeneratedNames;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Step 2: reads the events an entity raises, from its {@code @RaisesEvent} declarations and its
 * {@code domainEvent(...)} calls (see {@link RaiseCallScanner}), makes them agree (see {@link
 * RaisedPayloadAgreement}), and checks what will be derived from them: each topic, with its retry
 * and dead-letter forms ({@link AggregateTopics}), and each generated constant.
 *
 * <p>Internal to the processor; not an API.
 */
public final class RaisedEventReader {
  private final ValidationContext context;

  /** Creates the step. */
  public RaisedEventReader(ValidationContext context) {
    this.context = context;
  }

  /**
   * Returns the events {@code entity} raises, or {@code null} if it has problems (which are in the
   * report).
   *
   * @throws UnresolvedTypeException if a type it needs is not resolvable yet
   */
  public EntityFindings read(TypeElement entity) {
    boolean cleanBefore = context.report.isClean();
    EntityEventNames names = new EntityEventNames(context, entity);
    List<Raise> raises = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(entity.getEnclosedElements())) {
      for (AnnotationMirror declaration : declarationsOn(method)) {
        Raise raise = readDeclaration(entity, method, declaration, names);
        if (raise != null) {
          raises.add(raise);
        }
      }
    }
    if (context.trees != null) {
      TreePath path = context.trees.getPath(entity);
      if (path != null) {
        new RaiseCallScanner(context, entity, names, path, raises).scan(path, null);
      }
    }
    List<RaisedEvent> events = new RaisedPayloadAgreement(context.types).agree(raises);
    checkDerivedNames(entity, events, raises);
    events = new AggregateTopics(context).resolve(entity, events, raises);
    return events == null || (cleanBefore && !context.report.isClean())
        ? null
        : new EntityFindings(entity, events);
  }

  /**
   * Checks the names generated code will use: two events must not become one constant (e.g. {@code
   * fooBar()} and {@code foo_bar()} both give {@code FOO_BAR}). Topics are decided and checked by
   * {@link AggregateTopics}.
   */
  private void checkDerivedNames(TypeElement entity, List<RaisedEvent> events, List<Raise> raises) {
    Map<String, Spot> spots = new HashMap<>();
    for (Raise raise : raises) {
      spots.putIfAbsent(raise.name(), raise.spot());
    }
    Map<String, String> eventByConstant = new HashMap<>();
    for (RaisedEvent event : events) {
      Spot spot = spots.get(event.name());
      String constant = GeneratedNames.eventConstant(event.name());
      String other = eventByConstant.putIfAbsent(constant, event.name());
      if (other != null) {
        spot.report(
            Messages.CONSTANT_CLASH,
            other,
            event.name(),
            GeneratedNames.constantsSimpleName(entity) + "." + constant);
      }
    }
  }

  private List<AnnotationMirror> declarationsOn(ExecutableElement method) {
    List<AnnotationMirror> declarations = new ArrayList<>();
    if (context.raisesEventType == null) {
      return declarations;
    }
    for (AnnotationMirror mirror : method.getAnnotationMirrors()) {
      Element type = mirror.getAnnotationType().asElement();
      if (type.equals(context.raisesEventType)) {
        declarations.add(mirror);
      } else if (type.equals(context.raisesEventListType)) {
        Object values = Annotations.value(mirror, "value").getValue();
        if (values instanceof List<?> list) {
          for (Object item : list) {
            if (item instanceof AnnotationValue v && v.getValue() instanceof AnnotationMirror m) {
              declarations.add(m);
            }
          }
        }
      }
    }
    return declarations;
  }

  private Raise readDeclaration(
      TypeElement entity,
      ExecutableElement method,
      AnnotationMirror declaration,
      EntityEventNames names) {
    AnnotationValue nameValue = Annotations.value(declaration, "value");
    AnnotationValue payloadValue = Annotations.value(declaration, "payload");
    AnnotationValue topicValue = Annotations.value(declaration, "topic");
    AnnotationValue versionValue = Annotations.value(declaration, "version");
    String name = String.valueOf(nameValue.getValue());
    String methodName = names.check(name, Spot.at(context, method, declaration, nameValue));
    if (methodName == null) {
      return null;
    }
    String topic = String.valueOf(topicValue.getValue());
    if (topic.isEmpty()) {
      topic = null;
    } else if (!EventTopics.check(
        topic, "\"" + topic + "\"", Spot.at(context, method, declaration, topicValue))) {
      return null;
    }
    int version = versionValue.getValue() instanceof Integer v ? v : 1;
    if (version < 1) {
      context.report.report(
          method, declaration, versionValue, Messages.ILLEGAL_VERSION, version, name);
      return null;
    }
    TypeElement payload = null;
    Object payloadObject = payloadValue.getValue();
    Spot payloadSpot = Spot.at(context, method, declaration, payloadValue);
    if (payloadObject instanceof TypeMirror type) {
      if (type.getKind() != TypeKind.VOID) {
        payload = PayloadTypes.raised(type, "\"" + name + "\"", entity, payloadSpot);
        if (payload == null) {
          return null;
        }
      }
    } else {
      payloadSpot.unresolved(String.valueOf(payloadObject), "@RaisesEvent(\"" + name + "\")");
      return null;
    }
    return new Raise(name, methodName, payload, null, true, topic, version, payloadSpot);
  }
}
