package io.smtpprobe.request;

import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.Reason;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Parses the expectation fields ({@code --expect}, {@code --expect-code}, {@code --expect-enhanced}) for the one validator. */
final class ExpectationInput {
    /** Every reason name once, with commas: longer than that is not a list of reasons. */
    static final int MAX_REASONS_LENGTH = 1024;

    private ExpectationInput() {
    }

    /** One or more reason names, comma-separated; names are matched exactly as documented, ignoring case. */
    static Set<Reason> reasons(String field, String value) {
        Set<Reason> out = EnumSet.noneOf(Reason.class);
        for (String part : value.split(",", -1)) {
            out.add(reason(field, part.trim()));
        }
        return out;
    }

    private static Reason reason(String field, String name) {
        for (Reason r : Reason.values()) {
            if (r.name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        List<String> names = new ArrayList<>();
        for (Reason r : Reason.values()) {
            names.add(r.name());
        }
        throw new InvalidInputException(field, (name.isEmpty() ? "empty reason" : "unknown reason '" + InputValidator.printable(name) + "'")
                + " (one of " + String.join(", ", names) + ")");
    }

    static Integer code(String field, String value) {
        String v = value.trim();
        if (!v.matches("[0-9]{3}")) {
            throw new InvalidInputException(field, "expected a reply code of three digits, 200..599, got '" + InputValidator.printable(value) + "'");
        }
        int code = Integer.parseInt(v);
        if (code < 200 || code > 599) {
            throw new InvalidInputException(field, "reply code " + code + " is outside 200..599");
        }
        return code;
    }

    static String enhancedCode(String field, String value) {
        String v = value.trim();
        if (!Expectation.ENHANCED_CODE.matcher(v).matches()) {
            throw new InvalidInputException(field, "expected an RFC 3463 code CLASS.SUBJECT.DETAIL such as 5.1.1 (class 2, 4 or 5), got '"
                    + InputValidator.printable(value) + "'");
        }
        return v;
    }
}
