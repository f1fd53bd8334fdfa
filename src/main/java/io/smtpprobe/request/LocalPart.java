package io.smtpprobe.request;

import java.text.Normalizer;

/**
 * The local part of a mailbox: an RFC 5321 dot-atom, with the non-ASCII characters RFC 6531 adds
 * for SMTPUTF8. Quoted local parts ({@code "john doe"@example.test}) are not accepted: they are
 * rare, and every character they would add (space, quotes, backslash, comma...) is one more way
 * to break a command line. A non-ASCII local part is normalised to NFC, as RFC 6530 §10.1 asks,
 * so that the server sees one spelling of it.
 */
final class LocalPart {
    private static final String ASCII_ATEXT = "!#$%&'*+/=?^_`{|}~-";

    private LocalPart() {
    }

    /** @param whole the address as given, for messages */
    static String normalise(String field, String local, String whole) {
        // ASCII is its own NFC; spares check loading the normalisation tables.
        String nfc = isAscii(local) ? local : Normalizer.normalize(local, Normalizer.Form.NFC);
        if (nfc.startsWith(".") || nfc.endsWith(".") || nfc.contains("..") || !allAtext(nfc)) {
            throw new InvalidInputException(field, "invalid local part in '" + InputValidator.printable(whole) + "'");
        }
        NameLimits.localPart(field, nfc);
        return nfc;
    }

    /** atext of RFC 5322 plus the dot, extended by RFC 6531 with UTF8-non-ascii. */
    static boolean isAtext(int cp) {
        if (cp < 0x80) {
            return cp >= 'a' && cp <= 'z' || cp >= 'A' && cp <= 'Z' || cp >= '0' && cp <= '9' || cp == '.'
                    || ASCII_ATEXT.indexOf(cp) >= 0;
        }
        return switch (Character.getType(cp)) {
            // Controls, invisible format characters (bidi overrides, zero-width spaces), surrogates
            // (not UTF-8), private use, unassigned code points and every kind of space.
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.SPACE_SEPARATOR, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> false;
            default -> true;
        };
    }

    // Loops, not streams: check validates once per process, where each lambda costs class spinning.
    private static boolean allAtext(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (!isAtext(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
