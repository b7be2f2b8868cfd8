package dev.domainevents.processor.validation;

import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import dev.domainevents.processor.GeneratedNames;
import dev.domainevents.spi.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Step 2: finds the events an entity raises, from its {@code domainEvent(...)} calls (read from the
 * syntax trees) and its {@code @RaisesEvent} declarations, and checks each one: the name's form and
 * entity, the method it names, and one payload type per name.
 *
 * <p>Internal to the processor; not an API.
 */
public final class EmittedEvents {
  private static final String DOMAIN_EVENT = "domainEvent";

  private final ValidationContext context;
  private final SourceTypeResolver resolver;

  /** Creates the step. */
  public EmittedEvents(ValidationContext context) {
    this.context = context;
    this.resolver = new SourceTypeResolver(context.elements);
  }

  /** One raise of an event: a call, or a declaration. */
  private record Raise(
      String name,
      String methodName,
      TypeElement payload,
      String payloadWritten,
      boolean declared,
      String topic,
      int version,
      Spot spot) {}

  /**
   * Returns the events {@code entity} raises, or {@code null} if it has problems (which are in the
   * report).
   *
   * @throws UnresolvedTypeException if a type it needs is not resolvable yet
   */
  public EntityFindings scan(TypeElement entity) {
    boolean cleanBefore = context.report.isClean();
    EntityNames names = new EntityNames(entity);
    List<Raise> raises = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(entity.getEnclosedElements())) {
      for (AnnotationMirror declaration : declarationsOn(method)) {
        Raise raise = readDeclaration(method, declaration, names);
        if (raise != null) {
          raises.add(raise);
        }
      }
    }
    if (context.trees != null) {
      TreePath path = context.trees.getPath(entity);
      if (path != null) {
        new CallScanner(entity, names, path.getCompilationUnit(), path.getLeaf(), raises)
            .scan(path, null);
      }
    }
    List<RaisedEvent> events = consolidate(entity, raises);
    return cleanBefore && !context.report.isClean() ? null : new EntityFindings(entity, events);
  }

  private List<RaisedEvent> consolidate(TypeElement entity, List<Raise> raises) {
    Map<String, List<Raise>> byName = new TreeMap<>();
    for (Raise raise : raises) {
      byName.computeIfAbsent(raise.name(), k -> new ArrayList<>()).add(raise);
    }
    List<RaisedEvent> events = new ArrayList<>();
    for (Map.Entry<String, List<Raise>> entry : byName.entrySet()) {
      String name = entry.getKey();
      Raise declaration = null;
      for (Raise raise : entry.getValue()) {
        if (raise.declared()) {
          if (declaration == null) {
            declaration = raise;
          } else if (!java.util.Objects.equals(declaration.topic(), raise.topic())
              || declaration.version() != raise.version()) {
            raise
                .spot()
                .report(
                    Messages.DECLARATION_CONFLICT,
                    name,
                    "topic "
                        + raise.topic()
                        + " version "
                        + raise.version()
                        + " vs topic "
                        + declaration.topic()
                        + " version "
                        + declaration.version());
          }
        }
      }
      TypeElement payload = null;
      for (Raise raise : entry.getValue()) {
        if (raise.declared() && raise.payload() != null) {
          if (payload == null) {
            payload = raise.payload();
          } else if (!payload.equals(raise.payload())) {
            raise
                .spot()
                .report(Messages.PAYLOAD_CONFLICT, name, simple(raise.payload()), simple(payload));
          }
        }
      }
      boolean explicit = payload != null;
      for (Raise raise : entry.getValue()) {
        if (raise.declared() || raise.payload() == null) {
          continue;
        }
        if (payload == null) {
          payload = raise.payload();
        } else if (explicit
            ? !context.types.isAssignable(raise.payload().asType(), payload.asType())
            : !payload.equals(raise.payload())) {
          raise
              .spot()
              .report(Messages.PAYLOAD_CONFLICT, name, simple(raise.payload()), simple(payload));
        }
      }
      if (!explicit) {
        // Without a declared payload, every call site must show its type: one call passing an
        // expression of unknown type could pass anything.
        boolean unknown = false;
        for (Raise raise : entry.getValue()) {
          boolean undetermined =
              raise.declared() ? payload == null : raise.payloadWritten() != null;
          if (undetermined) {
            raise
                .spot()
                .report(
                    Messages.PAYLOAD_UNKNOWN,
                    name,
                    raise.declared() ? "@RaisesEvent without payload" : raise.payloadWritten());
            unknown = true;
          }
        }
        if (unknown || payload == null) {
          continue;
        }
      }
      Raise first = entry.getValue().get(0);
      events.add(
          new RaisedEvent(
              name,
              first.methodName(),
              payload,
              declaration == null ? null : declaration.topic(),
              declaration == null ? 1 : declaration.version()));
    }
    return events;
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
        Object values = value(mirror, "value").getValue();
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
      ExecutableElement method, AnnotationMirror declaration, EntityNames names) {
    AnnotationValue nameValue = value(declaration, "value");
    AnnotationValue payloadValue = value(declaration, "payload");
    AnnotationValue topicValue = value(declaration, "topic");
    AnnotationValue versionValue = value(declaration, "version");
    String name = String.valueOf(nameValue.getValue());
    String methodName = names.check(name, Spot.at(context, method, declaration, nameValue));
    if (methodName == null) {
      return null;
    }
    String topic = String.valueOf(topicValue.getValue());
    if (topic.isEmpty()) {
      topic = null;
    } else {
      String problem = Topics.problemWith(topic);
      if (problem != null) {
        context.report.report(
            method, declaration, topicValue, Messages.ILLEGAL_TOPIC, "\"" + topic + "\"", problem);
        return null;
      }
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
      if (type.getKind() != javax.lang.model.type.TypeKind.VOID) {
        payload = PayloadTypes.payloadClass(type, "\"" + name + "\"", payloadSpot);
        if (payload == null) {
          return null;
        }
      }
    } else {
      payloadSpot.unresolved(String.valueOf(payloadObject), "@RaisesEvent(\"" + name + "\")");
      return null;
    }
    return new Raise(
        name,
        methodName,
        payload,
        null,
        true,
        topic,
        version,
        Spot.at(context, method, declaration, payloadValue));
  }

  private static AnnotationValue value(AnnotationMirror mirror, String name) {
    return Annotations.value(mirror, name);
  }

  private static String simple(TypeElement type) {
    return type.getSimpleName().toString();
  }

  /** The event names an entity may raise: one per method, e.g. {@code Goods:Shopping}. */
  private final class EntityNames {
    private final TypeElement entity;
    private final String simpleName;
    private final Map<String, String> methodByEvent = new LinkedHashMap<>();
    private final Map<String, String> eventByConstant = new LinkedHashMap<>();

    EntityNames(TypeElement entity) {
      this.entity = entity;
      this.simpleName = entity.getSimpleName().toString();
      List<ExecutableElement> methods =
          ElementFilter.methodsIn(context.elements.getAllMembers(entity));
      for (ExecutableElement method : methods) {
        Element owner = method.getEnclosingElement();
        if (owner.equals(context.entityType)
            || ((TypeElement) owner).getQualifiedName().contentEquals("java.lang.Object")) {
          continue;
        }
        String methodName = method.getSimpleName().toString();
        String event = GeneratedNames.eventName(simpleName, methodName);
        methodByEvent.putIfAbsent(event, methodName);
        eventByConstant.putIfAbsent(GeneratedNames.constantName(methodName), event);
      }
    }

    /** Checks {@code name}; returns the method it names, or {@code null} after reporting. */
    String check(String name, Spot spot) {
      int colon = name.indexOf(':');
      String entityPart = colon < 0 ? "" : name.substring(0, colon);
      String methodPart = colon < 0 ? "" : name.substring(colon + 1);
      if (!SourceVersion.isIdentifier(entityPart)
          || !SourceVersion.isIdentifier(methodPart)
          || !Character.isUpperCase(methodPart.charAt(0))) {
        spot.report(Messages.NAME_FORMAT, name, example(name));
        return null;
      }
      if (!entityPart.equals(simpleName)) {
        spot.report(Messages.WRONG_ENTITY, name, simpleName);
        return null;
      }
      String method = methodByEvent.get(name);
      if (method == null) {
        spot.report(
            Messages.UNKNOWN_METHOD,
            name,
            simpleName,
            Suggestions.didYouMean(
                name,
                methodByEvent.keySet(),
                " Name the event after a method of "
                    + simpleName
                    + ", with its first letter"
                    + " upper-cased, e.g. \""
                    + example(name)
                    + "\"."));
        return null;
      }
      return method;
    }

    /** Checks a generated constant, {@code GoodsEvents.SHOPPING}; returns the event name. */
    String checkConstant(String holder, String constant, Spot spot) {
      String expected = GeneratedNames.constantsSimpleName(entity);
      if (!holder.equals(expected)) {
        spot.report(Messages.WRONG_ENTITY, holder + "." + constant, simpleName);
        return null;
      }
      String event = eventByConstant.get(constant);
      if (event == null) {
        List<String> constants = new ArrayList<>();
        eventByConstant.keySet().forEach(c -> constants.add(holder + "." + c));
        spot.report(
            Messages.UNKNOWN_METHOD,
            holder + "." + constant,
            simpleName,
            Suggestions.didYouMean(holder + "." + constant, constants, ""));
        return null;
      }
      return event;
    }

    private String example(String wrong) {
      return Suggestions.closest(wrong, methodByEvent.keySet())
          .orElse(
              methodByEvent.isEmpty()
                  ? simpleName + ":Method"
                  : new TreeSet<>(methodByEvent.keySet()).first());
    }
  }

  /** Reads the {@code domainEvent(...)} calls in one entity's source. */
  private final class CallScanner extends TreePathScanner<Void, Void> {
    private final TypeElement entity;
    private final EntityNames names;
    private final CompilationUnitTree unit;
    private final Tree entityTree;
    private final List<Raise> raises;

    CallScanner(
        TypeElement entity,
        EntityNames names,
        CompilationUnitTree unit,
        Tree entityTree,
        List<Raise> raises) {
      this.entity = entity;
      this.names = names;
      this.unit = unit;
      this.entityTree = entityTree;
      this.raises = raises;
    }

    @Override
    public Void visitClass(ClassTree tree, Void unused) {
      // Nested named classes are scanned as entities of their own, if they are entities.
      if (tree != entityTree && tree.getSimpleName().length() > 0) {
        return null;
      }
      return super.visitClass(tree, unused);
    }

    @Override
    public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
      if (isDomainEventCall(call)) {
        readCall(call, getCurrentPath());
      }
      return super.visitMethodInvocation(call, unused);
    }

    private boolean isDomainEventCall(MethodInvocationTree call) {
      int arguments = call.getArguments().size();
      if (arguments != 2 && arguments != 3) {
        return false;
      }
      ExpressionTree select = call.getMethodSelect();
      if (select instanceof IdentifierTree identifier) {
        return identifier.getName().contentEquals(DOMAIN_EVENT);
      }
      if (select instanceof MemberSelectTree member
          && member.getIdentifier().contentEquals(DOMAIN_EVENT)) {
        String target = member.getExpression().toString();
        return target.equals("this")
            || target.equals("super")
            || target.endsWith(".this")
            || target.endsWith(".super");
      }
      return false;
    }

    private void readCall(MethodInvocationTree call, TreePath callPath) {
      ExpressionTree nameArgument = unwrap(call.getArguments().get(0));
      Spot nameSpot = Spot.at(context, nameArgument, unit);
      String name;
      String methodName;
      if (nameArgument instanceof LiteralTree literal && literal.getValue() instanceof String s) {
        name = s;
        methodName = names.check(name, nameSpot);
      } else if (nameArgument instanceof MemberSelectTree constant
          && GeneratedNames.looksLikeConstantsClass(lastName(constant.getExpression()))) {
        name =
            names.checkConstant(
                lastName(constant.getExpression()), constant.getIdentifier().toString(), nameSpot);
        methodName = name == null ? null : names.check(name, nameSpot);
      } else {
        nameSpot.report(
            Messages.NAME_NOT_LITERAL,
            entity.getSimpleName(),
            GeneratedNames.constantsSimpleName(entity),
            nameArgument);
        return;
      }
      if (methodName == null) {
        return;
      }
      ExpressionTree payloadArgument = unwrap(call.getArguments().get(1));
      TreePath payloadPath = new TreePath(callPath, payloadArgument);
      Spot payloadSpot = Spot.at(context, payloadArgument, unit);
      Inferred inferred = infer(payloadArgument, payloadPath, "\"" + name + "\"", payloadSpot);
      if (inferred.reported()) {
        return;
      }
      raises.add(
          new Raise(
              name,
              methodName,
              inferred.payload(),
              inferred.payload() == null ? payloadArgument.toString() : null,
              false,
              null,
              1,
              payloadSpot));
    }

    private Inferred infer(ExpressionTree argument, TreePath path, String usedBy, Spot spot) {
      switch (argument.getKind()) {
        case NEW_CLASS:
          return fromSource(((NewClassTree) argument).getIdentifier(), path, usedBy, spot);
        case TYPE_CAST:
          // A cast declares the type as plainly as a local variable does.
          return fromSource(((TypeCastTree) argument).getType(), path, usedBy, spot);
        case IDENTIFIER:
          {
            String variable = ((IdentifierTree) argument).getName().toString();
            VariableTree local = findLocal(path, variable);
            if (local != null) {
              Tree type = local.getType();
              if (type == null
                  || (type instanceof IdentifierTree id && id.getName().contentEquals("var"))) {
                return UNKNOWN;
              }
              return fromSource(type, path, usedBy, spot);
            }
            return fromField(variable, usedBy, spot);
          }
        case MEMBER_SELECT:
          {
            MemberSelectTree select = (MemberSelectTree) argument;
            if (select.getExpression().toString().equals("this")) {
              return fromField(select.getIdentifier().toString(), usedBy, spot);
            }
            return UNKNOWN;
          }
        default:
          return UNKNOWN;
      }
    }

    private Inferred fromSource(Tree typeTree, TreePath path, String usedBy, Spot spot) {
      SourceTypeResolver.Resolution resolution = resolver.resolve(typeTree, path, entity, unit);
      if (resolution instanceof SourceTypeResolver.Resolved resolved) {
        TypeElement payload = PayloadTypes.payloadClass(resolved.type().asType(), usedBy, spot);
        return Inferred.of(payload);
      }
      if (resolution instanceof SourceTypeResolver.NotAClass notAClass) {
        spot.report(Messages.GENERIC_PAYLOAD, usedBy, notAClass.written());
        return INVALID;
      }
      spot.unresolved(((SourceTypeResolver.Unresolved) resolution).written(), usedBy);
      return INVALID;
    }

    private Inferred fromField(String name, String usedBy, Spot spot) {
      for (VariableElement field : ElementFilter.fieldsIn(context.elements.getAllMembers(entity))) {
        if (field.getSimpleName().contentEquals(name)) {
          TypeElement payload = PayloadTypes.payloadClass(field.asType(), usedBy, spot);
          return Inferred.of(payload);
        }
      }
      return UNKNOWN;
    }
  }

  /** The payload type read from a call site; {@code null} payload means "can't tell". */
  /**
   * What a call site says about its payload type.
   *
   * @param payload the payload class, or {@code null} if the call site doesn't tell
   * @param reported whether a problem with the payload was already reported
   */
  private record Inferred(TypeElement payload, boolean reported) {
    static Inferred of(TypeElement payload) {
      return payload == null ? INVALID : new Inferred(payload, false);
    }
  }

  /** The call site doesn't tell: e.g. a method call's result, or a {@code var} local. */
  private static final Inferred UNKNOWN = new Inferred(null, false);

  /** The call site's type is not a valid payload, which was reported. */
  private static final Inferred INVALID = new Inferred(null, true);

  /** Finds the declaration of local variable or parameter {@code name} visible at {@code path}. */
  private static VariableTree findLocal(TreePath path, String name) {
    Tree child = path.getLeaf();
    for (TreePath p = path.getParentPath(); p != null; child = p.getLeaf(), p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      List<? extends Tree> candidates;
      if (leaf instanceof BlockTree block) {
        candidates = before(block.getStatements(), child);
      } else if (leaf instanceof CaseTree caseTree && caseTree.getStatements() != null) {
        candidates = before(caseTree.getStatements(), child);
      } else if (leaf instanceof MethodTree method) {
        candidates = method.getParameters();
      } else if (leaf instanceof LambdaExpressionTree lambda) {
        candidates = lambda.getParameters();
      } else if (leaf instanceof EnhancedForLoopTree loop) {
        candidates = List.of(loop.getVariable());
      } else if (leaf instanceof ForLoopTree loop) {
        candidates = loop.getInitializer();
      } else if (leaf instanceof CatchTree catchTree) {
        candidates = List.of(catchTree.getParameter());
      } else if (leaf instanceof TryTree tryTree) {
        candidates = tryTree.getResources();
      } else if (leaf instanceof ClassTree) {
        return null;
      } else {
        continue;
      }
      for (Tree candidate : candidates) {
        if (candidate instanceof VariableTree variable && variable.getName().contentEquals(name)) {
          return variable;
        }
      }
    }
    return null;
  }

  private static List<? extends StatementTree> before(
      List<? extends StatementTree> statements, Tree child) {
    int index = statements.indexOf(child);
    return index < 0 ? statements : statements.subList(0, index);
  }

  private static ExpressionTree unwrap(ExpressionTree tree) {
    ExpressionTree t = tree;
    while (t instanceof ParenthesizedTree parenthesized) {
      t = parenthesized.getExpression();
    }
    return t;
  }

  private static String lastName(ExpressionTree tree) {
    if (tree instanceof IdentifierTree identifier) {
      return identifier.getName().toString();
    }
    if (tree instanceof MemberSelectTree select) {
      return select.getIdentifier().toString();
    }
    return "";
  }
}
