package dev.domainevents.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.Locale;
import javax.lang.model.element.ExecutableElement;

/**
 * One {@code @Upcaster} method, for the registry's {@code upcaster(event, from)}.
 *
 * @param event the event it upcasts
 * @param from the version it reads; it returns {@code from + 1}
 * @param owner the class declaring it
 * @param methodName the method's name
 * @param element the method, an originating element of the registry
 */
public record UpcasterModel(
    String event, int from, ClassName owner, String methodName, ExecutableElement element) {
  /** The key that orders upcasters and finds duplicates: event, then version. */
  public String key() {
    return key(event, from);
  }

  /** The key of the upcaster of {@code event} from version {@code from}. */
  public static String key(String event, int from) {
    return event + "#" + String.format(Locale.ROOT, "%010d", from);
  }
}
