package io.smtpprobe.request;

import com.ibm.icu.text.SpoofChecker;
import io.smtpprobe.core.HostPort;
import java.lang.Character.UnicodeScript;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Labels that may be homographs, found with ICU's UTS #39 spoof checks. Reported, never refused:
 * {@code bücher.test} and {@code 例え.test} are ordinary names, and even a mixed-script label can
 * be legitimate. The restriction level is Moderately Restrictive: Latin with Han, Kana or Hangul,
 * or with a script that looks nothing like it (Arabic, Devanagari...), is how real names are
 * written; Latin with Cyrillic, Greek or Cherokee is how {@code pаypal} is spoofed. A label in
 * one script is reported when it can pass for an ASCII name: all-Cyrillic {@code аррӏе} for
 * {@code apple}, or Latin {@code ɑpple} with its alpha.
 */
final class Homographs {
    private Homographs() {
    }

    /** Warnings about the names in a parsed value of a field. */
    static List<String> of(Field field, Object parsed) {
        return switch (field) {
            case DOMAINS, EHLO -> domain((String) parsed);
            case SERVER -> domain(((HostPort) parsed).host());
            case MAIL_FROM, RCPT_TO -> mailbox((String) parsed);
            default -> List.of();
        };
    }

    private static List<String> mailbox(String mailbox) {
        int at = mailbox.lastIndexOf('@');
        if (at < 0) {
            return List.of();
        }
        List<String> warnings = new ArrayList<>(localPart(mailbox.substring(0, at)));
        warnings.addAll(domain(mailbox.substring(at + 1)));
        return warnings;
    }

    /** Warnings about a domain in A-label form; only its A-labels can hold anything but ASCII. */
    static List<String> domain(String ascii) {
        if (!ascii.contains("xn--")) {
            return List.of();
        }
        String[] labels = ascii.split("\\.");
        String tld = Idna.toUnicode(labels[labels.length - 1]);
        List<String> warnings = new ArrayList<>();
        for (String label : labels) {
            if (Idna.isALabel(label)) {
                warnings.addAll(of("domain label", Idna.toUnicode(label), tld));
            }
        }
        return warnings;
    }

    /** Warnings about the local part of an SMTPUTF8 mailbox. */
    static List<String> localPart(String local) {
        return LocalPart.isAscii(local) ? List.of() : of("local part", local, null);
    }

    /** @param tld an internationalised top-level label of the same script makes a look-alike ordinary ({@code аррӏе.рф}) */
    private static List<String> of(String what, String text, String tld) {
        List<String> warnings = new ArrayList<>();
        String quoted = what + " '" + InputValidator.printable(text) + "'";
        SpoofChecker.CheckResult result = new SpoofChecker.CheckResult();
        if (Checkers.LEVEL.failsChecks(text, result)) {
            if ((result.checks & SpoofChecker.RESTRICTION_LEVEL) != 0) {
                warnings.add(quoted + " mixes " + String.join(" and ", scripts(text)) + " scripts (possible homograph)");
            }
            if ((result.checks & SpoofChecker.MIXED_NUMBERS) != 0) {
                warnings.add(quoted + " mixes digits of different numbering systems (possible homograph)");
            }
            if ((result.checks & (SpoofChecker.INVISIBLE | SpoofChecker.HIDDEN_OVERLAY)) != 0) {
                warnings.add(quoted + " has combining marks that hide or repeat what they mark (possible homograph)");
            }
        }
        Set<String> scripts = scripts(text);
        boolean tldOfTheSameScript = tld != null && !LocalPart.isAscii(tld) && scripts.equals(scripts(tld));
        if (scripts.size() == 1 && !LocalPart.isAscii(text) && !tldOfTheSameScript) {
            String script = scripts.iterator().next();
            boolean latin = script.equals("Latin");
            String ascii = asciiLookAlike(text, latin ? SpoofChecker.SINGLE_SCRIPT_CONFUSABLE : SpoofChecker.WHOLE_SCRIPT_CONFUSABLE);
            if (ascii != null) {
                warnings.add(quoted + (latin ? "" : " is all " + script + " but") + " looks like the ASCII '" + ascii
                        + "' (possible homograph)");
            }
        }
        return warnings;
    }

    /**
     * The ASCII text this one can be mistaken for, or null: each non-ASCII character replaced by
     * its UTS #39 prototype (ASCII characters stay, so an m is not shown as rn), if every prototype
     * is ASCII and ICU finds the two confusable in the given way.
     */
    private static String asciiLookAlike(String text, int confusable) {
        StringBuilder ascii = new StringBuilder();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            String prototype = cp < 0x80 ? Character.toString(cp) : Checkers.CONFUSABLE.getSkeleton(Character.toString(cp));
            if (!LocalPart.isAscii(prototype)) {
                return null;
            }
            ascii.append(prototype);
            i += Character.charCount(cp);
        }
        return (Checkers.CONFUSABLE.areConfusable(text, ascii.toString()) & confusable) != 0 ? ascii.toString() : null;
    }

    /** The scripts of the text's letters, by their Unicode names, in order of appearance. */
    static Set<String> scripts(String text) {
        Set<String> scripts = new LinkedHashSet<>();
        text.codePoints().mapToObj(UnicodeScript::of)
                .filter(s -> s != UnicodeScript.COMMON && s != UnicodeScript.INHERITED && s != UnicodeScript.UNKNOWN)
                .forEach(s -> scripts.add(title(s)));
        return scripts;
    }

    private static String title(UnicodeScript script) {
        String name = script.name().replace('_', ' ').toLowerCase(Locale.ROOT);
        return Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /** Loaded on first use only: the confusables tables are large, and most runs see only ASCII names. */
    private static final class Checkers {
        static final SpoofChecker LEVEL = new SpoofChecker.Builder()
                .setChecks(SpoofChecker.MIXED_NUMBERS | SpoofChecker.INVISIBLE | SpoofChecker.HIDDEN_OVERLAY)
                .setRestrictionLevel(SpoofChecker.RestrictionLevel.MODERATELY_RESTRICTIVE)
                .build();
        static final SpoofChecker CONFUSABLE = new SpoofChecker.Builder()
                .setChecks(SpoofChecker.WHOLE_SCRIPT_CONFUSABLE | SpoofChecker.MIXED_SCRIPT_CONFUSABLE
                        | SpoofChecker.SINGLE_SCRIPT_CONFUSABLE)
                .build();
    }
}
