package dev.domainevents.sample.shop;

/**
 * The value object that {@code Goods:Shopping} carries: which goods were bought, and how many.
 *
 * @param goodsId the goods' id
 * @param amount how many were bought, at least 1
 */
public record GoodsObj(int goodsId, int amount) {}
