package io.smtpprobe.request;

import java.util.List;
import java.util.function.Function;

/** A request that must be refused before any connection; lists every problem so all can be fixed at once. */
public class InvalidRequestException extends IllegalArgumentException {
    private final List<Problem> problems;

    public InvalidRequestException(List<Problem> problems) {
        super(String.join("; ", problems.stream().map(p -> p.render(Field::key)).toList()));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    public List<String> render(Function<Field, String> naming) {
        return problems.stream().map(p -> p.render(naming)).toList();
    }
}
