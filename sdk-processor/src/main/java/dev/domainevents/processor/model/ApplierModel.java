package dev.domainevents.processor.model;

import com.palantir.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * What an aggregate's applier is generated from.
 *
 * <p>Internal to the processor; not an API.
 *
 * @param element the aggregate class, the applier's originating element
 * @param aggregate the aggregate's name
 * @param applier the applier's name, e.g. {@code Goods_Applier}
 * @param calls one per event, sorted by event name
 */
public record ApplierModel(
    TypeElement element, ClassName aggregate, ClassName applier, List<Call> calls) {
  /** Copies {@code calls}. */
  public ApplierModel {
    calls = List.copyOf(calls);
  }

  /**
   * One event and the apply method the applier calls for it.
   *
   * @param eventName the event, e.g. {@code Goods:Restock}
   * @param method the {@code @Apply} method's name
   * @param payload the payload class the event's payload is cast to
   */
  public record Call(String eventName, String method, ClassName payload) {}
}
