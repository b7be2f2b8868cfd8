package dev.domainevents.sample.shop;

/** A purchase asked for more goods than are left. */
public final class OutOfStockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  OutOfStockException(int goodsId, int wanted, int left) {
    super("goods " + goodsId + ": wanted " + wanted + " but only " + left + " left");
  }
}
