package io.smtpprobe.operator.controller;

import java.util.List;

/** The spec cannot be probed; every problem names its field so the user can fix all at once. */
public class InvalidSpecException extends Exception {
    private final List<String> problems;

    public InvalidSpecException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
