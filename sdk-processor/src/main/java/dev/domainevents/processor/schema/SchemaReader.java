package dev.domainevents.processor.schema;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Types;

/**
 * Derives the canonical {@link Schema} of a payload type the way the JSON codec sees it: a record's
 * components, or a class's public fields and public getters; {@code java.time} values as text;
 * collections and arrays as lists; {@code Optional} and {@code @Nullable} fields as optional.
 */
public final class SchemaReader {
  /** Deeper nesting than this is cut off, so that no payload can make the processor loop. */
  private static final int MAX_DEPTH = 32;

  private static final Map<String, String> SCALARS =
      Map.ofEntries(
          Map.entry("java.lang.String", "string"),
          Map.entry("java.lang.CharSequence", "string"),
          Map.entry("java.lang.Boolean", "boolean"),
          Map.entry("java.lang.Byte", "byte"),
          Map.entry("java.lang.Short", "short"),
          Map.entry("java.lang.Integer", "int"),
          Map.entry("java.lang.Long", "long"),
          Map.entry("java.lang.Float", "float"),
          Map.entry("java.lang.Double", "double"),
          Map.entry("java.lang.Character", "char"),
          Map.entry("java.math.BigDecimal", "decimal"),
          Map.entry("java.math.BigInteger", "integer"),
          Map.entry("java.util.UUID", "uuid"),
          Map.entry("java.net.URI", "string"),
          Map.entry("java.util.Currency", "string"),
          Map.entry("java.util.Locale", "string"));

  private static final Map<String, String> OPTIONALS =
      Map.of(
          "java.util.OptionalInt", "int",
          "java.util.OptionalLong", "long",
          "java.util.OptionalDouble", "double");

  private final Types types;

  /** A reader that resolves member types with {@code types}. */
  public SchemaReader(Types types) {
    this.types = types;
  }

  /** Returns the schema of {@code payload}. */
  public Schema read(TypeElement payload) {
    Map<String, Schema.Field> fields = new TreeMap<>();
    Set<TypeElement> path = new LinkedHashSet<>();
    DeclaredType type = (DeclaredType) payload.asType();
    if (payload.getKind() == ElementKind.ENUM) {
      fields.put(Schema.ROOT, new Schema.Field(enumType(payload), false));
    } else {
      path.add(payload);
      properties(type, "", path, fields);
    }
    return Schema.of(fields);
  }

  /** Adds the properties of the object {@code type}, whose path is {@code prefix}. */
  private void properties(
      DeclaredType type, String prefix, Set<TypeElement> path, Map<String, Schema.Field> out) {
    for (Property property : propertiesOf(type)) {
      String name = prefix + property.name;
      TypeMirror declared = property.type;
      boolean optional = property.nullable;
      String optionalOf = optionalElement(declared);
      if (optionalOf != null) {
        out.put(name, new Schema.Field(optionalOf, true));
        continue;
      }
      if (isOptional(declared)) {
        optional = true;
        declared = typeArgument(declared, 0);
      }
      out.put(name, new Schema.Field(type(declared, name, path, out), optional));
    }
  }

  /** The type of {@code mirror} at {@code name}; adds nested objects' fields to {@code out}. */
  private String type(
      TypeMirror mirror, String name, Set<TypeElement> path, Map<String, Schema.Field> out) {
    if (path.size() > MAX_DEPTH) {
      return "any";
    }
    switch (mirror.getKind()) {
      case BOOLEAN:
      case BYTE:
      case SHORT:
      case INT:
      case LONG:
      case FLOAT:
      case DOUBLE:
      case CHAR:
        return mirror.getKind().name().toLowerCase(Locale.ROOT);
      case ARRAY:
        TypeMirror component = ((ArrayType) mirror).getComponentType();
        if (component.getKind() == TypeKind.BYTE) {
          return "bytes";
        }
        return "list<" + type(component, name + "[]", path, out) + ">";
      case DECLARED:
        break;
      case TYPEVAR:
      case WILDCARD:
        return type(types.erasure(mirror), name, path, out);
      default:
        return "any";
    }
    DeclaredType declared = (DeclaredType) mirror;
    TypeElement element = (TypeElement) declared.asElement();
    String qualified = element.getQualifiedName().toString();
    String scalar = SCALARS.get(qualified);
    if (scalar != null) {
      return scalar;
    }
    if (qualified.startsWith("java.time.")) {
      return element.getSimpleName().toString();
    }
    if (element.getKind() == ElementKind.ENUM) {
      return enumType(element);
    }
    if (isA(declared, "java.util.Map")) {
      return "map<"
          + type(typeArgument(declared, 0), name + "{key}", path, new TreeMap<>())
          + ","
          + type(typeArgument(declared, 1), name + "{}", path, out)
          + ">";
    }
    if (isA(declared, "java.util.Set")) {
      return "set<" + type(typeArgument(declared, 0), name + "[]", path, out) + ">";
    }
    if (isA(declared, "java.lang.Iterable")) {
      return "list<" + type(typeArgument(declared, 0), name + "[]", path, out) + ">";
    }
    if (qualified.startsWith("java.") || qualified.startsWith("javax.")) {
      return "any";
    }
    if (path.contains(element)) {
      return "ref(" + element.getSimpleName() + ")";
    }
    path.add(element);
    properties(declared, name + ".", path, out);
    path.remove(element);
    return "object";
  }

  private record Property(String name, TypeMirror type, boolean nullable) {}

  /** A record's components, or a class's public instance fields and public getters. */
  private List<Property> propertiesOf(DeclaredType type) {
    TypeElement element = (TypeElement) type.asElement();
    List<Property> properties = new ArrayList<>();
    if (element.getKind() == ElementKind.RECORD) {
      for (RecordComponentElement component : element.getRecordComponents()) {
        ExecutableElement accessor = component.getAccessor();
        TypeMirror memberType =
            accessor == null
                ? component.asType()
                : ((ExecutableType) types.asMemberOf(type, accessor)).getReturnType();
        properties.add(
            new Property(
                component.getSimpleName().toString(),
                memberType,
                nullable(component) || nullable(component.asType())));
      }
      return properties;
    }
    Map<String, Property> byName = new TreeMap<>();
    for (TypeElement current = element;
        current != null && !current.getQualifiedName().toString().startsWith("java.");
        current = superclass(current)) {
      for (VariableElement field : ElementFilter.fieldsIn(current.getEnclosedElements())) {
        if (field.getModifiers().contains(Modifier.PUBLIC)
            && !field.getModifiers().contains(Modifier.STATIC)) {
          byName.putIfAbsent(
              field.getSimpleName().toString(),
              new Property(
                  field.getSimpleName().toString(),
                  types.asMemberOf(type, field),
                  nullable(field) || nullable(field.asType())));
        }
      }
      for (ExecutableElement method : ElementFilter.methodsIn(current.getEnclosedElements())) {
        String property = getterProperty(method);
        if (property != null) {
          byName.putIfAbsent(
              property,
              new Property(
                  property,
                  ((ExecutableType) types.asMemberOf(type, method)).getReturnType(),
                  nullable(method) || nullable(method.getReturnType())));
        }
      }
    }
    properties.addAll(byName.values());
    return properties;
  }

  private static TypeElement superclass(TypeElement type) {
    TypeMirror superclass = type.getSuperclass();
    return superclass.getKind() == TypeKind.DECLARED
        ? (TypeElement) ((DeclaredType) superclass).asElement()
        : null;
  }

  /** The property a public instance getter reads, as Jackson names it, or {@code null}. */
  private static String getterProperty(ExecutableElement method) {
    if (!method.getModifiers().contains(Modifier.PUBLIC)
        || method.getModifiers().contains(Modifier.STATIC)
        || !method.getParameters().isEmpty()
        || method.getReturnType().getKind() == TypeKind.VOID) {
      return null;
    }
    String name = method.getSimpleName().toString();
    String rest;
    if (name.startsWith("get") && name.length() > 3 && !name.equals("getClass")) {
      rest = name.substring(3);
    } else if (name.startsWith("is")
        && name.length() > 2
        && method.getReturnType().getKind() == TypeKind.BOOLEAN) {
      rest = name.substring(2);
    } else {
      return null;
    }
    return Character.toLowerCase(rest.charAt(0)) + rest.substring(1);
  }

  private static String enumType(TypeElement element) {
    List<String> constants = new ArrayList<>();
    for (Element enclosed : element.getEnclosedElements()) {
      if (enclosed.getKind() == ElementKind.ENUM_CONSTANT) {
        constants.add(enclosed.getSimpleName().toString());
      }
    }
    constants.sort(null);
    return "enum(" + String.join(",", constants) + ")";
  }

  private boolean isOptional(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED
        && qualifiedName(type).equals("java.util.Optional")
        && !((DeclaredType) type).getTypeArguments().isEmpty();
  }

  private static String optionalElement(TypeMirror type) {
    return type.getKind() == TypeKind.DECLARED ? OPTIONALS.get(qualifiedName(type)) : null;
  }

  private static String qualifiedName(TypeMirror type) {
    return ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().toString();
  }

  private boolean isA(DeclaredType type, String qualified) {
    if (qualifiedName(type).equals(qualified)) {
      return true;
    }
    for (TypeMirror supertype : types.directSupertypes(type)) {
      if (supertype.getKind() == TypeKind.DECLARED && isA((DeclaredType) supertype, qualified)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The {@code index}th type argument of {@code type} seen as the generic type it implements, e.g.
   * the element of a {@code List<String>}; {@code Object} when raw.
   */
  private TypeMirror typeArgument(TypeMirror type, int index) {
    List<? extends TypeMirror> arguments = ((DeclaredType) type).getTypeArguments();
    if (arguments.size() > index) {
      return arguments.get(index);
    }
    for (TypeMirror supertype : types.directSupertypes(type)) {
      if (supertype.getKind() == TypeKind.DECLARED
          && !((DeclaredType) supertype).getTypeArguments().isEmpty()) {
        return typeArgument(supertype, index);
      }
    }
    return types.erasure(type);
  }

  /** Whether {@code element} or a type is annotated with any annotation named {@code Nullable}. */
  private static boolean nullable(Element element) {
    return hasNullable(element.getAnnotationMirrors());
  }

  private static boolean nullable(TypeMirror type) {
    return hasNullable(type.getAnnotationMirrors());
  }

  private static boolean hasNullable(List<? extends AnnotationMirror> annotations) {
    for (AnnotationMirror annotation : annotations) {
      if (annotation.getAnnotationType().asElement().getSimpleName().contentEquals("Nullable")) {
        return true;
      }
    }
    return false;
  }
}
