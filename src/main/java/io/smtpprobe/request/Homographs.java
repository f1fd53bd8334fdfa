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
 * written; Latin with Cyrillic, Greek or Cherokee is how {@code pаypal} is spoofed.
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

    /** @param tld a label in the same script as this one makes a whole-script look-alike ordinary ({@code пример.рф}) */
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
        if (scripts.size() == 1 && !scripts.contains("Latin") && (tld == null || !scripts.equals(scripts(tld)))) {
            String latin = latinLookAlike(text);
            if (latin != null) {
                warnings.add(quoted + " is all " + scripts.iterator().next()
                        + " but looks like the Latin '" + latin + "' (possible homograph)");
            }
        }
        return warnings;
    }

    /**
     * The ASCII string the text is a whole-script confusable of, or null. Its UTS #39 skeleton
     * (every character replaced by its prototype) is one candidate, and ICU decides whether the two
     * are confusable across whole scripts.
     */
    private static String latinLookAlike(String text) {
        String skeleton = Checkers.CONFUSABLE.getSkeleton(text);
        if (!skeleton.chars().allMatch(c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')
                || skeleton.chars().noneMatch(Character::isLetter)) {
            return null;
        }
        return (Checkers.CONFUSABLE.areConfusable(text, skeleton) & SpoofChecker.WHOLE_SCRIPT_CONFUSABLE) != 0 ? skeleton : null;
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
