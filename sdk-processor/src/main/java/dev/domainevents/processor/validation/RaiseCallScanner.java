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
import dev.domainevents.processor.model.GeneratedNames;
import java.util.List;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;

/**
 * Reads the {@code domainEvent(...)} calls in one entity's source: the name each call raises, and
 * the payload type its argument declares.
 *
 * <p>Annotation processors run before javac attributes method bodies, so an argument's type is read
 * from how it is written: a {@code new} expression, a cast, a field, a parameter, a local variable
 * (with a declared type, or {@code var} with such an initializer) or a static field such as an enum
 * constant. Anything else, e.g. a method's result, does not tell.
 */
final class RaiseCallScanner extends TreePathScanner<Void, Void> {
  private static final String DOMAIN_EVENT = "domainEvent";

  /** How many {@code var} initializers deep a payload is followed. */
  private static final int MAX_VAR_DEPTH = 8;

  private final ValidationContext context;
  private final SourceTypeResolver resolver;
  private final TypeElement entity;
  private final EntityEventNames names;
  private final CompilationUnitTree unit;
  private final Tree entityTree;
  private final List<Raise> raises;

  RaiseCallScanner(
      ValidationContext context,
      TypeElement entity,
      EntityEventNames names,
      TreePath entityPath,
      List<Raise> raises) {
    this.context = context;
    this.resolver = new SourceTypeResolver(context);
    this.entity = entity;
    this.names = names;
    this.unit = entityPath.getCompilationUnit();
    this.entityTree = entityPath.getLeaf();
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
      // this.domainEvent(..), and also other.domainEvent(..) on another entity: domainEvent is
      // protected, so the receiver is an entity unless its type says otherwise.
      TypeElement receiver = receiverType(member.getExpression());
      return receiver == null || context.extendsEntity(receiver);
    }
    return false;
  }

  /** The declared type of a call's receiver, or {@code null} if the source does not tell. */
  private TypeElement receiverType(ExpressionTree receiver) {
    ExpressionTree tree = unwrap(receiver);
    String written = tree.toString();
    if (written.equals("this")
        || written.equals("super")
        || written.endsWith(".this")
        || written.endsWith(".super")) {
      return entity;
    }
    Tree typeTree = null;
    if (tree instanceof NewClassTree created) {
      typeTree = created.getIdentifier();
    } else if (tree instanceof IdentifierTree identifier) {
      String variable = identifier.getName().toString();
      VariableTree local = findLocal(getCurrentPath(), variable);
      if (local != null) {
        typeTree = isVar(local) ? null : local.getType();
      } else {
        VariableElement field = field(variable);
        return field == null ? null : classOf(field.asType());
      }
    }
    if (typeTree == null) {
      return null;
    }
    SourceTypeResolver.Resolution resolution =
        resolver.resolve(typeTree, getCurrentPath(), entity, unit);
    return resolution instanceof SourceTypeResolver.Resolved resolved ? resolved.type() : null;
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
    Inferred inferred =
        infer(payloadArgument, payloadPath, "\"" + name + "\"", payloadSpot, MAX_VAR_DEPTH);
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

  private Inferred infer(
      ExpressionTree argument, TreePath path, String usedBy, Spot spot, int depth) {
    switch (argument.getKind()) {
      case NEW_CLASS:
        {
          NewClassTree created = (NewClassTree) argument;
          if (created.getClassBody() != null) {
            spot.report(Messages.PAYLOAD_NOT_DECODABLE, usedBy, "an anonymous class");
            return INVALID;
          }
          return fromSource(created.getIdentifier(), path, usedBy, spot);
        }
      case TYPE_CAST:
        // A cast declares the type as plainly as a local variable does.
        return fromSource(((TypeCastTree) argument).getType(), path, usedBy, spot);
      case IDENTIFIER:
        {
          String variable = ((IdentifierTree) argument).getName().toString();
          VariableTree local = findLocal(path, variable);
          if (local == null) {
            return fromField(field(variable), usedBy, spot);
          }
          if (!isVar(local)) {
            return fromSource(local.getType(), path, usedBy, spot);
          }
          // var p = new P(..): the initializer declares the type.
          ExpressionTree initializer = local.getInitializer();
          return initializer == null || depth == 0
              ? UNKNOWN
              : infer(unwrap(initializer), path, usedBy, spot, depth - 1);
        }
      case MEMBER_SELECT:
        {
          MemberSelectTree select = (MemberSelectTree) argument;
          String field = select.getIdentifier().toString();
          if (select.getExpression().toString().equals("this")) {
            return fromField(field(field), usedBy, spot);
          }
          // Type.CONSTANT, e.g. an enum constant: the static field's declared type.
          SourceTypeResolver.Resolution owner =
              resolver.resolve(select.getExpression(), path, entity, unit);
          if (owner instanceof SourceTypeResolver.Resolved resolved) {
            return fromField(staticField(resolved.type(), field), usedBy, spot);
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
      return Inferred.of(PayloadTypes.raised(resolved.type().asType(), usedBy, entity, spot));
    }
    if (resolution instanceof SourceTypeResolver.NotAClass notAClass) {
      spot.report(Messages.GENERIC_PAYLOAD, usedBy, notAClass.written());
      return INVALID;
    }
    spot.unresolved(((SourceTypeResolver.Unresolved) resolution).written(), usedBy);
    return INVALID;
  }

  private Inferred fromField(VariableElement field, String usedBy, Spot spot) {
    return field == null
        ? UNKNOWN
        : Inferred.of(PayloadTypes.raised(field.asType(), usedBy, entity, spot));
  }

  private VariableElement field(String name) {
    for (VariableElement field : ElementFilter.fieldsIn(context.allMembers(entity))) {
      if (field.getSimpleName().contentEquals(name)) {
        return field;
      }
    }
    return null;
  }

  private VariableElement staticField(TypeElement owner, String name) {
    for (VariableElement field : ElementFilter.fieldsIn(context.allMembers(owner))) {
      if (field.getSimpleName().contentEquals(name)
          && field.getModifiers().contains(Modifier.STATIC)) {
        return field;
      }
    }
    return null;
  }

  private static TypeElement classOf(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED
        ? (TypeElement) ((DeclaredType) type).asElement()
        : null;
  }

  private static boolean isVar(VariableTree local) {
    Tree type = local.getType();
    return type == null || (type instanceof IdentifierTree id && id.getName().contentEquals("var"));
  }

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

  /** The call site doesn't tell: e.g. a method call's result. */
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
