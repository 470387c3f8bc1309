package dev.culprit.collectors;

/**
 * Turns one line of a log into a result. Pure: no I/O, no Kafka, no clock (event time comes
 * from the line itself), and it never throws on bad input.
 */
@FunctionalInterface
public interface LineParser {

    ParseResult parse(String host, String line);
}
