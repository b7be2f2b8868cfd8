package dev.domainevents.processor;

import com.sun.source.util.Trees;
import dev.domainevents.processor.validation.EntityFindings;
import dev.domainevents.processor.validation.HandlerFindings;
import dev.domainevents.processor.validation.Messages;
import dev.domainevents.processor.validation.UnresolvedTypeException;
import dev.domainevents.processor.validation.ValidationContext;
import dev.domainevents.processor.validation.ValidationReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;

/**
 * One round as the steps see it: its types, what each step found, and the one report every
 * diagnostic of the round goes to. The processor prints the report after the last step.
 *
 * <p>Generation is decided per type: a step keeps in {@link #entities} and {@link #handlers} only
 * the types that are clean so far, so one broken entity costs only its own generated sources.
 */
final class Round {
  final ProcessingEnvironment env;
  final Trees trees;
  final RoundEnvironment environment;
  final boolean last;
  final ValidationReport report = new ValidationReport();

  /** The entities of this round and those deferred by an earlier one, sorted by name. */
  List<TypeElement> entityTypes = List.of();

  /** The entities found clean so far, with their events. */
  final List<EntityFindings> entities = new ArrayList<>();

  /** The handler classes of this round and those deferred by an earlier one, sorted by name. */
  List<TypeElement> handlerTypes = List.of();

  /** The handler classes found clean so far, with their methods. */
  final List<HandlerFindings> handlers = new ArrayList<>();

  /** The round's validation context, made on first use; see {@link #context()}. */
  private ValidationContext context;

  Round(ProcessingEnvironment env, Trees trees, RoundEnvironment environment) {
    this.env = env;
    this.trees = trees;
    this.environment = environment;
    this.last = environment.processingOver();
  }

  /** A validation context that reports to this round's report. */
  ValidationContext context() {
    if (context == null) {
      context = new ValidationContext(env, trees, report, last);
    }
    return context;
  }

  private ValidationContext context(ValidationReport typeReport) {
    return context().withReport(typeReport);
  }

  /**
   * Runs one type's validation with its own report: problems are kept only if the type is not
   * deferred, and an unexpected failure abandons only this type. Returns the findings, or {@code
   * null} if the type has problems or was deferred (then its name is in {@code deferred}).
   */
  <T> T checkType(TypeElement type, Set<String> deferred, Function<ValidationContext, T> check) {
    ValidationReport typeReport = new ValidationReport();
    try {
      T found = check.apply(context(typeReport));
      report.addAll(typeReport);
      return found;
    } catch (UnresolvedTypeException e) {
      deferred.add(type.getQualifiedName().toString());
      return null;
    } catch (RuntimeException | LinkageError e) {
      report.addAll(typeReport);
      reportInternal(type, type.getQualifiedName().toString(), e);
      return null;
    }
  }

  /** Runs {@code work} for {@code element}; an unexpected failure is reported, not thrown. */
  void guarded(Element element, String what, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException | LinkageError e) {
      reportInternal(element, what, e);
    }
  }

  /** Reports a failure of the processor itself as {@code [SdkInternal]}, with its stack trace. */
  void reportInternal(Element element, String what, Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    if (element == null) {
      report.reportOnCompilation(Messages.INTERNAL, what, trace);
    } else {
      report.report(element, Messages.INTERNAL, what, trace);
    }
  }

  /** The types named in {@code deferred} and those {@code found}, without repeats, sorted. */
  List<TypeElement> withDeferred(Set<String> deferred, List<TypeElement> found) {
    Set<TypeElement> types = new LinkedHashSet<>();
    for (String name : deferred) {
      TypeElement type = env.getElementUtils().getTypeElement(name);
      if (type != null) {
        types.add(type);
      }
    }
    deferred.clear();
    types.addAll(found);
    List<TypeElement> sorted = new ArrayList<>(types);
    sorted.sort(Comparator.comparing(t -> t.getQualifiedName().toString()));
    return sorted;
  }
}
