package dev.domainevents.dedupe.jdbc;

/** The payload of the tests' event: which aggregate ticked, and its sequence number. */
public record Tick(String counter, int sequence) {}
