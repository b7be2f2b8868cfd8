package dev.domainevents.processor;

import com.google.auto.service.AutoService;
import com.sun.source.util.Trees;
import dev.domainevents.processor.validation.KnownEvents;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;

/**
 * The domain events annotation processor: checks every {@code domainEvent(...)} call of every
 * {@code Entity} subclass and every {@code @EventHandler} method, and generates the typed event
 * constants ({@code GoodsEvents}), one dispatcher per handler class ({@code
 * StoreController_EventDispatcher}) and one {@code EventRegistry} per compilation.
 *
 * <p>Each round runs the steps registered in {@link #init}, in that order: discover entities,
 * discover the events they raise, discover handlers, discover upcasters, cross-check, check apply
 * methods (writing each clean aggregate's applier), check the payload schemas against the lock
 * file, write. Every diagnostic goes to the round's one report, printed after the last step.
 * Generation is decided per type: a type with problems gets no generated sources, and the others
 * still get theirs. Constants and dispatchers are written in the round their source appears; the
 * registry, which lists them all, with them once nothing is deferred (see {@link WriteSources}). A
 * failure inside the processor is reported as {@code [SdkInternal]} on the type being processed and
 * never thrown at javac. A type whose types are not resolvable yet is retried in the next round.
 *
 * <p>Options: {@code -Adomainevents.registry=com.acme.ShopEventRegistry} names the registry class;
 * by default it is {@code GeneratedEventRegistry} in the first entity's package. {@code
 * -Adomainevents.lock=<path>} names the schema lock file in the source tree (by default the
 * resource {@code META-INF/domainevents/events.lock} is read from the class output), {@code
 * -Adomainevents.lock.update=true} rewrites it, and {@code -Adomainevents.compatibility=FULL}
 * chooses the compatibility mode ({@code BACKWARD} by default).
 */
@AutoService(Processor.class)
public final class DomainEventProcessor extends AbstractProcessor {
  /** The processor option naming the generated registry class. */
  public static final String REGISTRY_OPTION = "domainevents.registry";

  /** The processor option naming the lock file in the source tree; see {@link CheckSchemas}. */
  public static final String LOCK_OPTION = "domainevents.lock";

  /** The processor option that, when {@code true}, rewrites the lock file deliberately. */
  public static final String LOCK_UPDATE_OPTION = "domainevents.lock.update";

  /** The processor option choosing the compatibility mode; {@code BACKWARD} by default. */
  public static final String COMPATIBILITY_OPTION = "domainevents.compatibility";

  private Trees trees;
  private CompilationState state;
  private List<ProcessingStep> steps;

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
    state =
        new CompilationState(
            new KnownEvents(processingEnv.getElementUtils(), processingEnv.getFiler()));
    steps =
        List.of(
            new DiscoverEntities(state),
            new DiscoverRaisedEvents(state),
            new DiscoverHandlers(state),
            new DiscoverUpcasters(state),
            new CrossCheckStep(state),
            new ApplierStep(),
            new CheckSchemas(state, processingEnv.getOptions()),
            new WriteSources(state, processingEnv.getOptions().get(REGISTRY_OPTION)));
  }

  /** Every type: entities are found by their superclass, not by an annotation. */
  @Override
  public Set<String> getSupportedAnnotationTypes() {
    return Set.of("*");
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(REGISTRY_OPTION, LOCK_OPTION, LOCK_UPDATE_OPTION, COMPATIBILITY_OPTION);
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
    Round round = new Round(processingEnv, trees, roundEnv);
    try {
      if (round.context().sdkPresent()) {
        for (ProcessingStep step : steps) {
          step.process(round);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      round.reportInternal(null, "this round", e);
    }
    round.report.printTo(processingEnv.getMessager(), trees);
    state.errorReported |= !round.report.isClean();
    return false;
  }
}
