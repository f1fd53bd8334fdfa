package io.smtpprobe.request;

/** Input that must be refused before any connection is made; the message names the field. */
public class InvalidInputException extends IllegalArgumentException {
    private final String field;
    private final String problem;

    public InvalidInputException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    /** The message without the field's name. */
    public String problem() {
        return problem;
    }
}
