package dev.domainevents.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.ClassName;
import com.sun.source.util.Trees;
import dev.domainevents.processor.model.EntityModel;
import dev.domainevents.processor.model.HandlerModel;
import dev.domainevents.processor.model.ModelBuilder;
import dev.domainevents.processor.model.RegistryModel;
import dev.domainevents.processor.validation.CrossCheck;
import dev.domainevents.processor.validation.EmittedEvents;
import dev.domainevents.processor.validation.EntityDiscovery;
import dev.domainevents.processor.validation.EntityFindings;
import dev.domainevents.processor.validation.HandlerFindings;
import dev.domainevents.processor.validation.HandlerMethods;
import dev.domainevents.processor.validation.KnownEvents;
import dev.domainevents.processor.validation.Messages;
import dev.domainevents.processor.validation.UnresolvedTypeException;
import dev.domainevents.processor.validation.ValidationContext;
import dev.domainevents.processor.validation.ValidationReport;
import dev.domainevents.processor.writing.ConstantsWriter;
import dev.domainevents.processor.writing.DispatcherWriter;
import dev.domainevents.processor.writing.EventIndexWriter;
import dev.domainevents.processor.writing.RegistryWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;

/**
 * The domain events annotation processor: checks every {@code domainEvent(...)} call of every
 * {@code Entity} subclass and every {@code @EventHandler} method, and generates the typed event
 * constants ({@code GoodsEvents}), one dispatcher per handler class ({@code
 * StoreController_EventDispatcher}) and one {@code EventRegistry} per compilation.
 *
 * <p>Each round runs the same steps in a fixed order: discover entities, discover the events they
 * raise, check handlers, cross-check both against each other and the class path; then the report is
 * printed, and only if it is clean are the models built and the files written. Constants and
 * dispatchers are written in the round their source appears; the registry, which lists them all, in
 * the first later round that discovers nothing new. A failure inside the processor is reported as
 * {@code [SdkInternal]} on the type being processed and never thrown at javac. A type whose types
 * are not resolvable yet is retried in the next round.
 *
 * <p>Options: {@code -Adomainevents.registry=com.acme.ShopEventRegistry} names the registry class;
 * by default it is {@code GeneratedEventRegistry} in the first entity's package.
 */
@AutoService(Processor.class)
public final class DomainEventProcessor extends AbstractProcessor {
  /** The processor option naming the generated registry class. */
  public static final String REGISTRY_OPTION = "domainevents.registry";

  private Trees trees;
  private KnownEvents known;
  private final Map<String, EntityModel> entities = new TreeMap<>();
  private final Map<String, HandlerModel> handlers = new TreeMap<>();
  private final Set<String> deferredEntities = new TreeSet<>();
  private final Set<String> deferredHandlers = new TreeSet<>();
  private ClassName writtenRegistry;
  private boolean failed;
  private boolean noTreeApiNoted;

  /** Creates the processor; javac does this through {@link java.util.ServiceLoader}. */
  public DomainEventProcessor() {}

  @Override
  public synchronized void init(ProcessingEnvironment processingEnv) {
    super.init(processingEnv);
    try {
      trees = TreeAccess.trees(processingEnv);
    } catch (LinkageError e) {
      // A runtime without the jdk.compiler module (e.g. a trimmed IDE runtime): no trees.
      trees = null;
    }
    known = new KnownEvents(processingEnv.getElementUtils(), processingEnv.getFiler());
  }

  /** Every type: entities are found by their superclass, not by an annotation. */
  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of("*");
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(REGISTRY_OPTION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  /**
   * Processes one round; never throws. Claims nothing: the processor supports {@code *} (entities
   * carry no annotation), and claiming would hide every annotation of the round, {@code @Override}
   * included, from the processors after it. So {@code -Xlint:processing} reports the SDK's
   * annotations as unclaimed, as it does {@code @Generated} for any generating processor.
   */
  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnv) {
    try {
      processRound(roundEnv);
    } catch (RuntimeException | LinkageError e) {
      reportInternal(null, "this round", e);
    }
    return false;
  }

  private void processRound(RoundEnvironment roundEnv) {
    boolean lastRound = roundEnv.processingOver();
    ValidationReport report = new ValidationReport();
    ValidationContext context = context(report, lastRound);
    if (!context.sdkPresent()) {
      return;
    }

    // Step 1: discover entities (and retry those deferred by an earlier round).
    EntityDiscovery discovery = new EntityDiscovery(context);
    List<TypeElement> entityTypes =
        union(deferredEntities, discovery.discover(roundEnv.getRootElements()));
    deferredEntities.clear();
    if (trees == null && !entityTypes.isEmpty() && !noTreeApiNoted) {
      noTreeApiNoted = true;
      report.report(entityTypes.get(0), Messages.NO_TREE_API);
    }

    // Step 2: discover the events each entity raises.
    List<EntityFindings> entityFindings = new ArrayList<>();
    for (TypeElement entity : entityTypes) {
      EntityFindings found =
          checkType(
              entity, report, lastRound, deferredEntities, c -> new EmittedEvents(c).scan(entity));
      if (found != null) {
        entityFindings.add(found);
      } else if (!deferredEntities.contains(entity.getQualifiedName().toString())) {
        known.addFailed(entity);
      }
    }

    // Step 3: check handler methods. Handlers wait while an entity waits: they may name its events.
    TypeElement eventHandler =
        processingEnv.getElementUtils().getTypeElement("dev.domainevents.EventHandler");
    List<TypeElement> handlerTypes =
        union(
            deferredHandlers,
            HandlerMethods.handlerClasses(
                ElementFilter.methodsIn(roundEnv.getElementsAnnotatedWith(eventHandler))));
    deferredHandlers.clear();
    List<HandlerFindings> handlerFindings = new ArrayList<>();
    if (!deferredEntities.isEmpty()) {
      handlerTypes.forEach(h -> deferredHandlers.add(h.getQualifiedName().toString()));
    } else {
      for (TypeElement handler : handlerTypes) {
        HandlerFindings found =
            checkType(
                handler,
                report,
                lastRound,
                deferredHandlers,
                c -> new HandlerMethods(c).scan(handler));
        if (found != null) {
          handlerFindings.add(found);
        }
      }
    }

    // Step 4: cross-check events and handlers, within the compilation and against the class path.
    CrossCheck crossCheck = new CrossCheck(context, known);
    List<EntityFindings> uniqueEntities = new ArrayList<>();
    for (EntityFindings found : entityFindings) {
      if (crossCheck.checkUnique(found)) {
        known.add(found);
        uniqueEntities.add(found);
      }
    }
    for (HandlerFindings found : handlerFindings) {
      crossCheck.checkHandler(found);
    }

    report.printTo(processingEnv.getMessager(), trees);
    if (!report.isClean()) {
      failed = true;
    }
    if (failed || lastRound) {
      return;
    }

    // Only now, with a clean report: build the models and write the files.
    generate(uniqueEntities, handlerFindings);
  }

  private void generate(
      List<EntityFindings> entityFindings, List<HandlerFindings> handlerFindings) {
    ModelBuilder builder = new ModelBuilder(processingEnv.getTypeUtils());
    ConstantsWriter constantsWriter = new ConstantsWriter(processingEnv.getFiler());
    DispatcherWriter dispatcherWriter = new DispatcherWriter(processingEnv.getFiler());
    for (EntityFindings found : entityFindings) {
      TypeElement entity = found.entity();
      guarded(
          entity,
          () -> {
            EntityModel model = builder.entity(found);
            if (model.events().isEmpty()) {
              return;
            }
            if (writtenRegistry != null) {
              report(entity, Messages.REGISTRY_CLOSED, entity.getQualifiedName(), writtenRegistry);
              return;
            }
            entities.put(entity.getQualifiedName().toString(), model);
            constantsWriter.write(model);
          });
    }
    for (HandlerFindings found : handlerFindings) {
      TypeElement handler = found.handler();
      guarded(
          handler,
          () -> {
            if (writtenRegistry != null) {
              report(
                  handler, Messages.REGISTRY_CLOSED, handler.getQualifiedName(), writtenRegistry);
              return;
            }
            HandlerModel model = builder.handler(found);
            handlers.put(handler.getQualifiedName().toString(), model);
            dispatcherWriter.write(model);
          });
    }
    // The registry lists the whole compilation, so it waits for a round that discovers nothing
    // new: by then every entity and handler, including those other processors generate, is known.
    String registryOption = processingEnv.getOptions().get(REGISTRY_OPTION);
    boolean settled =
        entityFindings.isEmpty()
            && handlerFindings.isEmpty()
            && deferredEntities.isEmpty()
            && deferredHandlers.isEmpty();
    if (writtenRegistry == null && settled && !(entities.isEmpty() && handlers.isEmpty())) {
      if (registryOption != null && !SourceVersion.isName(registryOption.strip())) {
        report(null, Messages.REGISTRY_OPTION, registryOption);
        return;
      }
      RegistryModel registry =
          ModelBuilder.registry(registryOption, entities.values(), handlers.values());
      guarded(
          registry.entities().isEmpty() ? null : registry.entities().get(0).element(),
          () -> {
            EventIndexWriter indexWriter = new EventIndexWriter(processingEnv.getFiler());
            indexWriter.write(registry.entities());
            new RegistryWriter(processingEnv.getFiler()).write(registry);
          });
      writtenRegistry = registry.registry();
    }
  }

  /**
   * Runs one type's validation with its own report: problems are kept only if the type is not
   * deferred, and an unexpected failure abandons only this type.
   */
  private <T> T checkType(
      TypeElement type,
      ValidationReport report,
      boolean lastRound,
      Set<String> deferred,
      Function<ValidationContext, T> check) {
    ValidationReport typeReport = new ValidationReport();
    try {
      T found = check.apply(context(typeReport, lastRound));
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

  private void guarded(Element element, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException | LinkageError e) {
      reportInternal(element, element == null ? "the registry" : element.toString(), e);
    }
  }

  private ValidationContext context(ValidationReport report, boolean lastRound) {
    return new ValidationContext(processingEnv, trees, report, lastRound);
  }

  private List<TypeElement> union(Set<String> deferredNames, List<TypeElement> found) {
    Set<TypeElement> types = new LinkedHashSet<>();
    for (String name : deferredNames) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        types.add(type);
      }
    }
    types.addAll(found);
    List<TypeElement> sorted = new ArrayList<>(types);
    sorted.sort(java.util.Comparator.comparing(t -> t.getQualifiedName().toString()));
    return sorted;
  }

  private void report(Element element, Messages message, Object... arguments) {
    failed = failed || message.kind() == javax.tools.Diagnostic.Kind.ERROR;
    if (element == null) {
      processingEnv.getMessager().printMessage(message.kind(), message.format(arguments));
    } else {
      processingEnv.getMessager().printMessage(message.kind(), message.format(arguments), element);
    }
  }

  private void reportInternal(Element element, String what, Throwable error) {
    StringWriter trace = new StringWriter();
    error.printStackTrace(new PrintWriter(trace));
    failed = true;
    report(element, Messages.INTERNAL, what, trace);
  }
}
