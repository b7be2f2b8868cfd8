package dev.domainevents.benchmarks;

/** The payload of {@code SoakAccount:Deposited}: the account and the deposit's sequence number. */
public record SoakDeposit(String account, long sequence) {}
