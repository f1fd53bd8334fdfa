package io.smtpprobe.request;

import com.ibm.icu.text.IDNA;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one IDN policy: UTS #46 non-transitional processing with STD3 rules and the bidi and
 * CONTEXTJ checks, as browsers and IDNA2008 resolvers apply it. Non-transitional matters:
 * {@code straße.test} is its own domain ({@code xn--strae-oqa.test}), and the transitional
 * mapping of {@code java.net.IDN} (IDNA2003) would silently probe {@code strasse.test} instead.
 */
final class Idna {
    private static final Pattern LDH_NAME = Pattern.compile("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    /** Hyphens in the third and fourth position are reserved for A-labels ({@code xn--}), which ICU must decode and check. */
    private static final Pattern RESERVED_HYPHENS = Pattern.compile("(^|\\.)..--");

    private Idna() {
    }

    /**
     * The A-label form, lower case; throws IllegalArgumentException naming what UTS #46 refused.
     * Over-long labels and names are converted all the same, for the caller to measure.
     */
    static String toAscii(String name) {
        if (isAscii(name) && isPlainLdh(name.toLowerCase(Locale.ROOT))) {
            // What UTS #46 gives for such a name anyway (IdnaTest checks it); spares the CLI loading ICU's tables.
            return name.toLowerCase(Locale.ROOT);
        }
        IDNA.Info info = new IDNA.Info();
        String ascii = Uts46.INSTANCE.nameToASCII(name, new StringBuilder(), info).toString();
        Set<IDNA.Error> errors = errorsBesidesLength(info);
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(errors.toString());
        }
        return ascii;
    }

    private static Set<IDNA.Error> errorsBesidesLength(IDNA.Info info) {
        Set<IDNA.Error> errors = EnumSet.noneOf(IDNA.Error.class);
        errors.addAll(info.getErrors());
        errors.removeAll(Uts46.LENGTH_ERRORS);
        return errors;
    }

    /** The U-label of an A-label ({@code xn--bcher-kva} is {@code bücher}), for messages and homograph checks. */
    static String toUnicode(String label) {
        if (!isALabel(label)) {
            return label;
        }
        IDNA.Info info = new IDNA.Info();
        String unicode = Uts46.INSTANCE.labelToUnicode(label, new StringBuilder(), info).toString();
        return errorsBesidesLength(info).isEmpty() ? unicode : label;
    }

    static boolean isALabel(String label) {
        return label.regionMatches(true, 0, "xn--", 0, 4);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    static boolean isPlainLdh(String lower) {
        // The pattern admits ASCII letters, digits, dots and hyphens only.
        return LDH_NAME.matcher(lower).matches() && !RESERVED_HYPHENS.matcher(lower).find();
    }

    /** Created on first use only. */
    private static final class Uts46 {
        /** Length limits are checked by InputValidator, on the result, with messages that give the octet counts. */
        static final Set<IDNA.Error> LENGTH_ERRORS = EnumSet.of(IDNA.Error.LABEL_TOO_LONG, IDNA.Error.DOMAIN_NAME_TOO_LONG);
        static final IDNA INSTANCE = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII | IDNA.USE_STD3_RULES
                | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ);
    }
}
