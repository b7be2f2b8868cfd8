package dev.domainevents.processor;

import com.sun.source.util.Trees;
import java.lang.reflect.Field;
import javax.annotation.processing.ProcessingEnvironment;

/**
 * Gets javac's syntax tree API, where the compiler offers one.
 *
 * <p>{@link Trees#instance} only accepts javac's own processing environment. Gradle's incremental
 * processing wraps it, keeping the original in a field; like other tree-reading processors, this
 * looks for that field once. Any other compiler (e.g. Eclipse's) yields {@code null}, and the
 * processor falls back to events declared with {@code @RaisesEvent}.
 */
final class TreeAccess {
  private TreeAccess() {}

  /** Returns the tree API for {@code env}, or {@code null} if the compiler offers none. */
  static Trees trees(ProcessingEnvironment env) {
    Trees trees = treesOf(env);
    if (trees != null) {
      return trees;
    }
    ProcessingEnvironment wrapped = wrappedEnvironment(env);
    return wrapped == null ? null : treesOf(wrapped);
  }

  private static Trees treesOf(ProcessingEnvironment env) {
    try {
      return Trees.instance(env);
    } catch (IllegalArgumentException | LinkageError e) {
      return null;
    }
  }

  private static ProcessingEnvironment wrappedEnvironment(ProcessingEnvironment env) {
    for (Class<?> type = env.getClass(); type != null; type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        if (ProcessingEnvironment.class.isAssignableFrom(field.getType())) {
          try {
            field.setAccessible(true);
            Object value = field.get(env);
            return value instanceof ProcessingEnvironment wrapped && wrapped != env
                ? wrapped
                : null;
          } catch (RuntimeException | IllegalAccessException e) {
            return null;
          }
        }
      }
    }
    return null;
  }
}
