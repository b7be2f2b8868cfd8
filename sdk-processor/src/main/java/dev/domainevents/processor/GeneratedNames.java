package dev.domainevents.processor;

import com.palantir.javapoet.ClassName;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;

/**
 * Derives every name the processor generates, in one place, so a reader can guess a generated
 * file's name from its source: entity {@code Goods} → {@code GoodsEvents}, handler {@code
 * StoreController} → {@code StoreController_EventDispatcher}, method {@code addLine} → event {@code
 * Order:AddLine} and constant {@code ADD_LINE}.
 *
 * <p>Internal to the processor; not an API.
 */
public final class GeneratedNames {
  /** The processor named in every {@code @Generated} annotation. */
  public static final String PROCESSOR = "dev.domainevents.processor.DomainEventProcessor";

  /** The simple name of the registry when {@code -Adomainevents.registry} is not given. */
  public static final String DEFAULT_REGISTRY = "GeneratedEventRegistry";

  /** The service file that lets {@link java.util.ServiceLoader} find the registry. */
  public static final String REGISTRY_SERVICE_FILE =
      "META-INF/services/dev.domainevents.spi.EventRegistry";

  private static final String CONSTANTS_SUFFIX = "Events";
  private static final String DISPATCHER_SUFFIX = "_EventDispatcher";
  private static final String INDEX_DIRECTORY = "META-INF/domainevents/";
  private static final String INDEX_SUFFIX = ".events";

  private GeneratedNames() {}

  /** {@code Goods} → {@code GoodsEvents}; nested {@code Shop.Goods} → {@code Shop_GoodsEvents}. */
  public static ClassName constantsClass(TypeElement entity) {
    return ClassName.get(packageOf(entity), flatName(entity) + CONSTANTS_SUFFIX);
  }

  /** The simple name of the constants class of an entity, for recognising it in source. */
  public static String constantsSimpleName(TypeElement entity) {
    return flatName(entity) + CONSTANTS_SUFFIX;
  }

  /** Returns whether {@code simpleName} looks like a generated constants class. */
  public static boolean looksLikeConstantsClass(String simpleName) {
    return simpleName.length() > CONSTANTS_SUFFIX.length() && simpleName.endsWith(CONSTANTS_SUFFIX);
  }

  /**
   * {@code StoreController} → {@code StoreController_EventDispatcher}; nested {@code Shop.Store} →
   * {@code Shop_Store_EventDispatcher}.
   */
  public static ClassName dispatcherClass(TypeElement handler) {
    return ClassName.get(packageOf(handler), flatName(handler) + DISPATCHER_SUFFIX);
  }

  /**
   * The registry class: the value of {@code -Adomainevents.registry} if given, else {@code
   * GeneratedEventRegistry} in {@code defaultPackage}.
   */
  public static ClassName registryClass(String option, String defaultPackage) {
    if (option != null && !option.isBlank()) {
      String name = option.strip();
      int dot = name.lastIndexOf('.');
      return dot < 0
          ? ClassName.get("", name)
          : ClassName.get(name.substring(0, dot), name.substring(dot + 1));
    }
    return ClassName.get(defaultPackage, DEFAULT_REGISTRY);
  }

  /**
   * The event an entity method raises: ({@code Goods}, {@code shopping}) → {@code Goods:Shopping}.
   */
  public static String eventName(String entitySimpleName, String methodName) {
    return entitySimpleName + ":" + capitalize(methodName);
  }

  /** The method an event's second half names: {@code Shopping} → {@code shopping}. */
  public static String methodName(String eventMethodPart) {
    return eventMethodPart.isEmpty()
        ? eventMethodPart
        : Character.toLowerCase(eventMethodPart.charAt(0)) + eventMethodPart.substring(1);
  }

  /**
   * The constant of an event method part or method: {@code AddLine} or {@code addLine} → {@code
   * ADD_LINE}.
   */
  public static String constantName(String method) {
    StringBuilder out = new StringBuilder(method.length() + 4);
    for (int i = 0; i < method.length(); i++) {
      char c = method.charAt(i);
      if (i > 0 && Character.isUpperCase(c)) {
        char previous = method.charAt(i - 1);
        boolean nextIsLower =
            i + 1 < method.length() && Character.isLowerCase(method.charAt(i + 1));
        if (!Character.isUpperCase(previous) || nextIsLower) {
          if (previous != '_') {
            out.append('_');
          }
        }
      }
      out.append(Character.toUpperCase(c));
    }
    return out.toString();
  }

  /** The index resource listing one entity's events, read by later compilations. */
  public static String indexResource(String entitySimpleName) {
    return INDEX_DIRECTORY + entitySimpleName + INDEX_SUFFIX;
  }

  /** The package of {@code element}, {@code ""} for the unnamed package. */
  public static String packageOf(Element element) {
    Element e = element;
    while (e != null && e.getKind() != ElementKind.PACKAGE) {
      e = e.getEnclosingElement();
    }
    return e == null ? "" : ((PackageElement) e).getQualifiedName().toString();
  }

  /** Nested simple names joined by {@code _}: {@code Shop.Goods} → {@code Shop_Goods}. */
  static String flatName(TypeElement type) {
    Deque<String> names = new ArrayDeque<>();
    Element e = type;
    while (e != null && (e.getKind().isClass() || e.getKind().isInterface())) {
      names.addFirst(e.getSimpleName().toString());
      e = e.getEnclosingElement();
    }
    return String.join("_", names);
  }

  private static String capitalize(String name) {
    return name.isEmpty()
        ? name
        : name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1);
  }
}
