package dev.culprit.collectors.apache;

/**
 * A server-status page that is not what mod_status prints. The message names the line (or the
 * table row) and what was expected there; it is the only exception the status parsers throw.
 */
public final class StatusFormatException extends RuntimeException {

    public StatusFormatException(String message) {
        super(message);
    }
}
