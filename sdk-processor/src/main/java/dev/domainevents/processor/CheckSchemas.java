package dev.domainevents.processor;

import dev.domainevents.processor.model.UpcasterModel;
import dev.domainevents.processor.schema.Compatibility;
import dev.domainevents.processor.schema.LockFile;
import dev.domainevents.processor.schema.Schema;
import dev.domainevents.processor.schema.SchemaReader;
import dev.domainevents.processor.validation.EntityFindings;
import dev.domainevents.processor.validation.Messages;
import dev.domainevents.processor.validation.RaisedEvent;
import dev.domainevents.processor.validation.UpcasterMethods;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

/**
 * Step 6, after the cross-check and before writing: every event's payload schema against the lock
 * file. A payload whose schema changed at the same version, in a way its compatibility mode does
 * not allow, is {@code [SdkSchemaChanged]}; a version below the locked one is {@code
 * [SdkVersionLowered]}. With {@code -Adomainevents.lock.update=true}, the lock file is rewritten
 * with the current schemas at the end of the compilation instead; without it, whatever the lock
 * file does not hold yet is warned about. At the end of the compilation, every locked version must
 * have its chain of upcasters up to the current one.
 *
 * <p>The lock file is the file named by {@code -Adomainevents.lock}, or else the resource {@value
 * LockFile#RESOURCE} in the class output, where Maven and Gradle copy the module's resources before
 * compiling. Without either, nothing is checked, and a note says how to start.
 */
final class CheckSchemas implements ProcessingStep {
  private final CompilationState state;
  private final String lockOption;
  private final boolean update;
  private final String compatibilityOption;

  /** The current schema of each event of this compilation, by name. */
  private final SortedMap<String, Current> current = new TreeMap<>();

  private boolean started;
  private LockFile lock;
  private String lockName;
  private Compatibility compatibility;

  /**
   * An event's current version and schema, and the entity method that declares the version, by
   * name: elements of an earlier round have no source position in the last one.
   */
  private record Current(int version, Schema schema, String entity, String method) {}

  CheckSchemas(CompilationState state, Map<String, String> options) {
    this.state = state;
    this.lockOption = options.get(DomainEventProcessor.LOCK_OPTION);
    this.update = Boolean.parseBoolean(options.get(DomainEventProcessor.LOCK_UPDATE_OPTION));
    this.compatibilityOption = options.get(DomainEventProcessor.COMPATIBILITY_OPTION);
  }

  @Override
  public void process(Round round) {
    if (!started) {
      started = true;
      start(round);
    }
    if (compatibility == null) {
      return;
    }
    SchemaReader reader = new SchemaReader(round.env.getTypeUtils());
    for (EntityFindings found : round.entities) {
      for (RaisedEvent event : found.events()) {
        round.guarded(
            found.entity(), event.name(), () -> check(round, found.entity(), event, reader));
      }
    }
    if (round.last) {
      checkUpcasters(round);
      if (update && lock != null && round.report.isClean() && !state.errorReported) {
        writeLock(round);
      }
    }
  }

  /** Reads the options and the lock file, once per compilation. */
  private void start(Round round) {
    compatibility =
        compatibilityOption == null
            ? Compatibility.BACKWARD
            : Compatibility.parse(compatibilityOption);
    if (compatibility == null) {
      round.report.reportOnCompilation(
          Messages.LOCK_OPTION,
          "-Adomainevents.compatibility="
              + compatibilityOption
              + " is not one of "
              + Compatibility.names(),
          LockFile.RESOURCE);
      return;
    }
    if (lockOption != null) {
      readLockFile(round);
    } else if (update) {
      round.report.reportOnCompilation(
          Messages.LOCK_OPTION,
          "-Adomainevents.lock.update=true needs -Adomainevents.lock naming the lock file in"
              + " the source tree",
          LockFile.RESOURCE);
      compatibility = null;
    } else {
      readLockResource(round);
    }
  }

  private void readLockFile(Round round) {
    Path path;
    try {
      path = Path.of(lockOption.strip());
    } catch (InvalidPathException e) {
      round.report.reportOnCompilation(
          Messages.LOCK_OPTION,
          "-Adomainevents.lock=" + lockOption + " is not a path",
          LockFile.RESOURCE);
      compatibility = null;
      return;
    }
    lockName = path.toString();
    if (!Files.exists(path)) {
      lock = update ? LockFile.empty() : null;
      if (!update) {
        round.report.reportOnCompilation(Messages.NO_LOCK_FILE, lockName);
      }
      return;
    }
    try {
      parse(round, Files.readString(path, StandardCharsets.UTF_8));
    } catch (IOException e) {
      round.report.reportOnCompilation(Messages.LOCK_FILE, lockName, e.toString());
    }
  }

  private void readLockResource(Round round) {
    lockName = LockFile.RESOURCE;
    String text;
    try {
      FileObject resource =
          round.env.getFiler().getResource(StandardLocation.CLASS_OUTPUT, "", LockFile.RESOURCE);
      try (InputStream in = resource.openInputStream()) {
        text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
    } catch (IOException | IllegalArgumentException e) {
      // No lock file in the class output: the module has not started locking its schemas.
      round.report.reportOnCompilation(Messages.NO_LOCK_FILE, LockFile.RESOURCE);
      return;
    }
    parse(round, text);
  }

  private void parse(Round round, String text) {
    try {
      lock = LockFile.parse(text);
    } catch (IllegalArgumentException e) {
      round.report.reportOnCompilation(Messages.LOCK_FILE, lockName, e.getMessage());
    }
  }

  private void check(Round round, TypeElement entity, RaisedEvent event, SchemaReader reader) {
    Schema schema = reader.read(event.payload());
    state.schemas.put(event.name(), schema);
    current.put(
        event.name(),
        new Current(
            event.version(), schema, entity.getQualifiedName().toString(), event.methodName()));
    if (lock == null) {
      return;
    }
    SortedMap<Integer, List<Schema>> versions = lock.versions(event.name());
    if (versions.isEmpty()) {
      unlocked(round, entity, event, "the event", "");
      return;
    }
    int locked = versions.lastKey();
    if (event.version() < locked) {
      round.report.report(
          method(entity, event),
          Messages.VERSION_LOWERED,
          event.name(),
          event.version(),
          locked,
          lockName);
      return;
    }
    if (event.version() > locked) {
      unlocked(round, entity, event, "version " + event.version(), "");
      return;
    }
    List<Schema> schemas = versions.get(locked);
    Schema latest = schemas.get(schemas.size() - 1);
    if (latest.equals(schema)) {
      return;
    }
    List<String> problems = new ArrayList<>();
    for (Schema old : compatibility.transitive() ? schemas : List.of(latest)) {
      for (String problem : compatibility.problems(old, schema)) {
        if (!problems.contains(problem)) {
          problems.add(problem);
        }
      }
    }
    if (problems.isEmpty() || update) {
      unlocked(
          round,
          entity,
          event,
          "the changed schema of version " + locked,
          " (the change is " + compatibility.name() + " compatible)");
      return;
    }
    round.report.report(
        where(round, entity, event),
        Messages.SCHEMA_CHANGED,
        event.name(),
        event.payload().getSimpleName(),
        locked,
        lockName,
        compatibility.name(),
        "  " + String.join("\n  ", problems),
        differences(latest, schema),
        locked + 1,
        entity.getSimpleName() + "." + event.methodName());
  }

  private void unlocked(
      Round round, TypeElement entity, RaisedEvent event, String what, String why) {
    if (!update) {
      round.report.report(
          where(round, entity, event), Messages.SCHEMA_UNLOCKED, what, event.name(), lockName, why);
    }
  }

  /**
   * Once the compilation is complete: every upcaster upcasts an older version of an event of this
   * compilation, and every locked version of an event has the upcasters up to the current one.
   */
  private void checkUpcasters(Round round) {
    for (UpcasterModel upcaster : state.upcasters.values()) {
      Current event = current.get(upcaster.event());
      if (event == null) {
        round.report.report(
            again(round, upcaster.owner().canonicalName(), upcaster.methodName()),
            Messages.UPCASTER_TARGET,
            upcaster.event(),
            upcaster.from(),
            UpcasterMethods.describe(upcaster.element()),
            "names no event raised in this compilation; declare upcasters in the module of the"
                + " entity");
      } else if (upcaster.from() >= event.version()) {
        round.report.report(
            again(round, upcaster.owner().canonicalName(), upcaster.methodName()),
            Messages.UPCASTER_TARGET,
            upcaster.event(),
            upcaster.from(),
            UpcasterMethods.describe(upcaster.element()),
            "reads version "
                + upcaster.from()
                + ", but the event is at version "
                + event.version()
                + "; an upcaster reads an older version");
      }
    }
    if (lock == null) {
      return;
    }
    current.forEach(
        (name, event) -> {
          SortedMap<Integer, List<Schema>> versions = lock.versions(name);
          if (versions.isEmpty()) {
            return;
          }
          int oldest = versions.firstKey();
          for (int from = oldest; from < event.version(); from++) {
            if (!state.upcasters.containsKey(UpcasterModel.key(name, from))) {
              round.report.report(
                  again(round, event.entity(), event.method()),
                  Messages.MISSING_UPCASTER,
                  name,
                  event.version(),
                  oldest,
                  lockName,
                  from,
                  from + 1);
            }
          }
        });
  }

  /** The method {@code name} of {@code type} as this round sees it, or else the type, or null. */
  private static Element again(Round round, String type, String name) {
    TypeElement element = round.env.getElementUtils().getTypeElement(type);
    if (element == null) {
      return null;
    }
    for (ExecutableElement method : ElementFilter.methodsIn(element.getEnclosedElements())) {
      if (method.getSimpleName().contentEquals(name)) {
        return method;
      }
    }
    return element;
  }

  /** The payload's declaration if it is in this compilation's source, else the entity method. */
  private static Element where(Round round, TypeElement entity, RaisedEvent event) {
    if (round.trees != null && round.trees.getPath(event.payload()) != null) {
      return event.payload();
    }
    return method(entity, event);
  }

  private static Element method(TypeElement entity, RaisedEvent event) {
    for (ExecutableElement method : ElementFilter.methodsIn(entity.getEnclosedElements())) {
      if (method.getSimpleName().contentEquals(event.methodName())) {
        return method;
      }
    }
    return entity;
  }

  /** The lines only one of the schemas has: {@code - old} and {@code + new}, by path. */
  static String differences(Schema before, Schema after) {
    List<String> lines = new ArrayList<>();
    List<String> old = before.lines();
    List<String> changed = after.lines();
    for (String line : old) {
      if (!changed.contains(line)) {
        lines.add("  - " + line);
      }
    }
    for (String line : changed) {
      if (!old.contains(line)) {
        lines.add("  + " + line);
      }
    }
    return String.join("\n", lines);
  }

  private void writeLock(Round round) {
    current.forEach((name, event) -> lock.record(name, event.version(), event.schema()));
    Path path = Path.of(lockOption.strip());
    String text = lock.format();
    try {
      if (Files.exists(path) && Files.readString(path, StandardCharsets.UTF_8).equals(text)) {
        return;
      }
      if (path.toAbsolutePath().getParent() != null) {
        Files.createDirectories(path.toAbsolutePath().getParent());
      }
      Files.writeString(path, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      round.report.reportOnCompilation(Messages.LOCK_FILE, lockName, e.toString());
    }
  }
}
