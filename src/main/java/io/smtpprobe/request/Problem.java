package io.smtpprobe.request;

import java.util.function.Function;

/**
 * One reason to refuse a request, naming the canonical field (and the entry of a list) so each
 * entry point can render it in its own naming.
 *
 * @param orField set when either of two fields would do ("domains or server")
 * @param index   the entry of a repeatable field, or -1
 */
public record Problem(Field field, Field orField, int index, String message) {

    public static Problem of(Field field, int index, String message) {
        return new Problem(field, null, index, message);
    }

    /** E.g. {@code --mail-from: control character \x0d at position 8 ...}. */
    public String render(Function<Field, String> naming) {
        return fieldName(naming) + ": " + message;
    }

    public String fieldName(Function<Field, String> naming) {
        return orField == null ? naming.apply(field) : naming.apply(field) + " or " + naming.apply(orField);
    }
}
