package dev.domainevents.processor.validation;

import com.sun.source.tree.AnnotatedTypeTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.ImportTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeParameterTree;
import com.sun.source.util.TreePath;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;

/**
 * Resolves a type written in source, such as the {@code GoodsObj} of {@code new GoodsObj(..)} or of
 * a local variable's declaration, the way javac would, without attributing the method body.
 *
 * <p>Annotation processors run before javac attributes method bodies, so the types of expressions
 * inside them are not known yet. Declared types are: this class looks a simple name up in the
 * enclosing classes' member types, the single-type imports, the package, the on-demand imports and
 * {@code java.lang}, in javac's order.
 */
final class SourceTypeResolver {
  /** The outcome: a class, or why there is none. */
  sealed interface Resolution {}

  /** The type is this class. */
  record Resolved(TypeElement type) implements Resolution {}

  /** The type is generic, a type variable, an array or a primitive: not a payload class. */
  record NotAClass(String written) implements Resolution {}

  /** No class of this name is visible (yet). */
  record Unresolved(String written) implements Resolution {}

  private final ValidationContext context;
  private final Elements elements;

  SourceTypeResolver(ValidationContext context) {
    this.context = context;
    this.elements = context.elements;
  }

  /**
   * Resolves {@code typeTree}, written at {@code path} inside {@code enclosing} in {@code unit}.
   */
  Resolution resolve(
      Tree typeTree, TreePath path, TypeElement enclosing, CompilationUnitTree unit) {
    switch (typeTree.getKind()) {
      case ANNOTATED_TYPE:
        return resolve(((AnnotatedTypeTree) typeTree).getUnderlyingType(), path, enclosing, unit);
      case IDENTIFIER:
        return resolveSimple(
            ((IdentifierTree) typeTree).getName().toString(), path, enclosing, unit);
      case MEMBER_SELECT:
        return resolveQualified((MemberSelectTree) typeTree, path, enclosing, unit);
      default:
        // Parameterized types, arrays and primitives can't be decoded by their class alone.
        return new NotAClass(typeTree.toString());
    }
  }

  private Resolution resolveQualified(
      MemberSelectTree tree, TreePath path, TypeElement enclosing, CompilationUnitTree unit) {
    String written = tree.toString();
    TypeElement direct = elements.getTypeElement(written);
    if (direct != null) {
      return new Resolved(direct);
    }
    Resolution outer = resolve(tree.getExpression(), path, enclosing, unit);
    if (outer instanceof Resolved resolved) {
      TypeElement member = memberType(resolved.type(), tree.getIdentifier().toString());
      return member == null ? new Unresolved(written) : new Resolved(member);
    }
    return outer instanceof NotAClass ? outer : new Unresolved(written);
  }

  private Resolution resolveSimple(
      String name, TreePath path, TypeElement enclosing, CompilationUnitTree unit) {
    if (isTypeVariable(name, path)) {
      return new NotAClass(name);
    }
    for (Element e = enclosing; e instanceof TypeElement type; e = e.getEnclosingElement()) {
      if (type.getSimpleName().contentEquals(name)) {
        return new Resolved(type);
      }
      TypeElement member = memberType(type, name);
      if (member != null) {
        return new Resolved(member);
      }
    }
    for (ImportTree importTree : unit.getImports()) {
      String imported = importTree.getQualifiedIdentifier().toString();
      if (!importTree.isStatic() && imported.endsWith("." + name)) {
        TypeElement type = elements.getTypeElement(imported);
        if (type != null) {
          return new Resolved(type);
        }
      }
    }
    String packageName = unit.getPackageName() == null ? "" : unit.getPackageName().toString();
    TypeElement samePackage =
        elements.getTypeElement(packageName.isEmpty() ? name : packageName + "." + name);
    if (samePackage != null) {
      return new Resolved(samePackage);
    }
    for (ImportTree importTree : unit.getImports()) {
      String imported = importTree.getQualifiedIdentifier().toString();
      if (!importTree.isStatic() && imported.endsWith(".*")) {
        String prefix = imported.substring(0, imported.length() - 1);
        TypeElement type = elements.getTypeElement(prefix + name);
        if (type != null) {
          return new Resolved(type);
        }
      }
    }
    TypeElement javaLang = elements.getTypeElement("java.lang." + name);
    return javaLang != null ? new Resolved(javaLang) : new Unresolved(name);
  }

  private TypeElement memberType(TypeElement type, String name) {
    for (TypeElement member : ElementFilter.typesIn(context.allMembers(type))) {
      if (member.getSimpleName().contentEquals(name)) {
        return member;
      }
    }
    return null;
  }

  private static boolean isTypeVariable(String name, TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      Iterable<? extends TypeParameterTree> parameters =
          leaf instanceof MethodTree method
              ? method.getTypeParameters()
              : leaf instanceof ClassTree type ? type.getTypeParameters() : List.of();
      for (TypeParameterTree parameter : parameters) {
        if (parameter.getName().contentEquals(name)) {
          return true;
        }
      }
    }
    return false;
  }
}
