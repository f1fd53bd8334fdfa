package io.smtpprobe.request;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** A request that must be refused before any connection; lists every problem so all can be fixed at once. */
public class InvalidRequestException extends IllegalArgumentException {
    private final List<Problem> problems;

    public InvalidRequestException(List<Problem> problems) {
        super(problems.get(0).render(Field::key) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    public List<String> render(Function<Field, String> naming) {
        List<String> out = new ArrayList<>();
        for (Problem p : problems) {
            out.add(p.render(naming));
        }
        return out;
    }
}
