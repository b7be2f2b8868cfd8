package dev.domainevents.sample.shop;

/** No goods have the requested id. */
public final class UnknownGoodsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UnknownGoodsException(int goodsId) {
    super("no goods with id " + goodsId);
  }
}
