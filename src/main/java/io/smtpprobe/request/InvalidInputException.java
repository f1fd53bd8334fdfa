package io.smtpprobe.request;

/** Input that must be refused before any connection is made; the message names the field. */
public class InvalidInputException extends IllegalArgumentException {
    private final String field;

    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
