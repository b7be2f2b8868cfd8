package dev.domainevents.benchmarks;

/**
 * The benchmarks' payload: about 300 bytes of JSON, like a small real event.
 *
 * @param goodsId the goods bought
 * @param amount how many
 * @param customer who bought them
 * @param note free text that pads the payload to a realistic size
 */
public record Purchase(int goodsId, int amount, String customer, String note) {
  /** A purchase whose JSON form is about 300 bytes. */
  public static Purchase sample(int goodsId) {
    return new Purchase(goodsId, 1 + goodsId % 5, "customer-" + goodsId, "x".repeat(230));
  }
}
