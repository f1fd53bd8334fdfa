package io.smtpprobe.request;

import java.nio.charset.StandardCharsets;

/**
 * The size limits of RFC 5321 §4.5.3.1 and RFC 1035, counted in octets of the wire form: A-labels
 * for domains (a U-label's length says nothing about its A-label's), UTF-8 for an SMTPUTF8 local
 * part. A longer name or path is refused by servers, or truncated by DNS, so the probe would test
 * something else than asked.
 */
public final class NameLimits {
    /** RFC 5321 §4.5.3.1.1. */
    public static final int LOCAL_PART_OCTETS = 64;
    /** RFC 1035 §2.3.4; RFC 5321 §4.5.3.1.2 allows 255, but DNS cannot resolve more than 253 without the root dot. */
    public static final int DOMAIN_OCTETS = 253;
    /** RFC 1035 §2.3.4. */
    public static final int LABEL_OCTETS = 63;
    /** RFC 5321 §4.5.3.1.3: {@code <local@domain>} with its angle brackets. */
    public static final int PATH_OCTETS = 256;
    /** The mailbox inside a path of {@link #PATH_OCTETS}. */
    public static final int MAILBOX_OCTETS = PATH_OCTETS - 2;

    private NameLimits() {
    }

    static void label(String field, String aLabel) {
        if (aLabel.length() > LABEL_OCTETS) {
            String unicode = Idna.toUnicode(aLabel);
            String shown = unicode.equals(aLabel) ? "'" + InputValidator.printable(aLabel) + "'"
                    : "'" + InputValidator.printable(unicode) + "' (A-label " + InputValidator.printable(aLabel) + ")";
            throw new InvalidInputException(field, "domain label " + shown + " is " + aLabel.length() + " octets, DNS allows "
                    + LABEL_OCTETS);
        }
    }

    static void domain(String field, String ascii) {
        if (ascii.length() > DOMAIN_OCTETS) {
            throw new InvalidInputException(field, "domain name is " + ascii.length() + " octets"
                    + (ascii.contains("xn--") ? " in A-label form" : "") + ", DNS allows " + DOMAIN_OCTETS);
        }
    }

    static void localPart(String field, String local) {
        int octets = octets(local);
        if (octets > LOCAL_PART_OCTETS) {
            throw new InvalidInputException(field, "local part is " + octets + " octets, RFC 5321 allows " + LOCAL_PART_OCTETS);
        }
    }

    /** @param mailbox {@code local@domain} as it goes on the wire, without brackets */
    static void path(String field, String mailbox) {
        int octets = octets(mailbox) + 2;
        if (octets > PATH_OCTETS) {
            throw new InvalidInputException(field, "path <" + InputValidator.printable(mailbox) + "> is " + octets
                    + " octets, RFC 5321 allows " + PATH_OCTETS);
        }
    }

    static int octets(String wire) {
        return wire.getBytes(StandardCharsets.UTF_8).length;
    }
}
