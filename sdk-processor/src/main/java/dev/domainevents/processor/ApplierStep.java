package dev.domainevents.processor;

import com.palantir.javapoet.ClassName;
import dev.domainevents.processor.model.ApplierModel;
import dev.domainevents.processor.model.GeneratedNames;
import dev.domainevents.processor.validation.ApplierFindings;
import dev.domainevents.processor.validation.ApplyMethods;
import dev.domainevents.processor.validation.EntityFindings;
import dev.domainevents.processor.writing.ApplierWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.lang.model.element.TypeElement;

/**
 * Step 5, between the cross-check and writing: the {@code @Apply} methods of every event-sourced
 * aggregate against the events it raises, then the applier ({@code Goods_Applier}) of each
 * aggregate found clean. An aggregate with a problem is dropped from the round, so it gets no
 * generated sources at all.
 */
final class ApplierStep implements ProcessingStep {
  @Override
  public void process(Round round) {
    ApplyMethods check = new ApplyMethods(round.context());
    if (!check.sdkSupportsIt()) {
      return;
    }
    check.checkAppliesOutsideAggregates(round.environment);
    List<ApplierFindings> clean = new ArrayList<>();
    // Apply methods wait for nothing: the aggregate was resolved by the steps before.
    Set<String> deferred = new TreeSet<>();
    for (Iterator<EntityFindings> it = round.entities.iterator(); it.hasNext(); ) {
      EntityFindings found = it.next();
      if (!check.isAggregate(found.entity())) {
        continue;
      }
      ApplierFindings applies =
          round.checkType(
              found.entity(), deferred, context -> new ApplyMethods(context).check(found));
      if (applies == null) {
        it.remove();
      } else {
        clean.add(applies);
      }
    }
    if (round.last) {
      return;
    }
    ApplierWriter writer = new ApplierWriter(round.env.getFiler());
    for (ApplierFindings found : clean) {
      TypeElement aggregate = found.aggregate();
      round.guarded(
          aggregate, aggregate.getQualifiedName().toString(), () -> writer.write(model(found)));
    }
  }

  private static ApplierModel model(ApplierFindings found) {
    List<ApplierModel.Call> calls = new ArrayList<>();
    for (ApplierFindings.ApplyMethod apply : found.applies()) {
      calls.add(
          new ApplierModel.Call(
              apply.eventName(),
              apply.method().getSimpleName().toString(),
              ClassName.get(apply.payload())));
    }
    return new ApplierModel(
        found.aggregate(),
        ClassName.get(found.aggregate()),
        GeneratedNames.applierClass(found.aggregate()),
        calls);
  }
}
