package org.amyterm.backup.contracts;

/** An event's bytes could not be read as the expected record. */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
