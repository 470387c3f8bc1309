package dev.culprit.events;

/** Bytes that are not a valid event of the expected kind; the message names the field. */
public class EventFormatException extends RuntimeException {

    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
