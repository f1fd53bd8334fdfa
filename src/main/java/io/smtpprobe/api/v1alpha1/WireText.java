package io.smtpprobe.api.v1alpha1;

/**
 * Patterns of the CRD schema (RE2 syntax, checked by the API server), so that most mistakes are
 * refused at {@code kubectl apply}. The operator judges every spec again with the validator that
 * {@code check} and the REST API use ({@code io.smtpprobe.request}); WireTextAgreementTest keeps
 * these patterns in step with it: they never accept a control character it refuses, and where
 * they are exact they agree with it case by case. Anything that ends up in an SMTP command line
 * must not carry CR, LF or other control characters: one stray CRLF would let a resource author
 * inject extra SMTP commands.
 */
public final class WireText {
    /** No C0 or C1 control characters, no DEL and no Unicode line or paragraph separator. */
    public static final String SINGLE_LINE = "^[^\\x00-\\x1f\\x7f-\\x9f\\x{2028}\\x{2029}]*$";
    /** Message bodies may span lines (CR, LF, TAB) but carry no other control characters. */
    public static final String MULTI_LINE = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\x{2028}\\x{2029}]*$";
    /** A DNS name; letters of any script so internationalised names can be written as such. */
    public static final String DOMAIN = "^" + Parts.NAME + "\\.?$";
    /** HOST, HOST:PORT, [IPV6] or [IPV6]:PORT. */
    public static final String SERVER =
            "^(\\[[0-9A-Fa-f:.]+\\]|[\\p{L}\\p{N}]([\\p{L}\\p{N}.-]{0,251}[\\p{L}\\p{N}])?)(:[0-9]{1,5})?$";
    /**
     * LOCAL@DOMAIN or LOCAL@[address literal], without angle brackets. The local part is a dot-atom
     * (RFC 5321), which may hold non-ASCII characters for SMTPUTF8 (RFC 6531), but no control,
     * format (bidi overrides, zero-width spaces), private-use or surrogate character and no space
     * of any kind.
     */
    public static final String MAILBOX = "^" + Parts.MAILBOX + "$";
    /** A reverse path: empty or {@code <>} for the null sender, or a mailbox. */
    public static final String REVERSE_PATH = "^((<>)?|" + Parts.MAILBOX + ")$";
    /** An EHLO argument: a DNS name (a root dot is dropped) or an address literal such as {@code [192.0.2.1]} or {@code [IPv6:::1]}. */
    public static final String EHLO_NAME = "^(" + Parts.NAME + "\\.?|" + Parts.LITERAL + ")$";
    /**
     * CEL: the local part of the mailbox {@code self} is at most 64 octets of UTF-8 (RFC 5321
     * §4.5.3.1.1), which maxLength, counting characters, cannot say of a non-ASCII local part.
     * Label and domain lengths count the A-label form, which CEL cannot compute: the validator
     * judges those.
     */
    public static final String LOCAL_PART_OCTETS_OF_SELF =
            "!self.contains('@') || size(bytes(self.substring(0, self.lastIndexOf('@')))) <= 64";
    /** The same of the list element {@code r}. */
    public static final String LOCAL_PART_OCTETS_OF_R = "!r.contains('@') || size(bytes(r.substring(0, r.lastIndexOf('@')))) <= 64";
    public static final String LOCAL_PART_OCTETS_MESSAGE = "a local part is at most 64 octets of UTF-8 (RFC 5321)";
    /** A Go-style duration restricted to the units that make sense for probing. */
    public static final String DURATION = "^([0-9]+(ms|s|m|h))+$";

    private static final class Parts {
        static final String LABEL = "[\\p{L}\\p{N}]([\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?";
        static final String NAME = "(" + LABEL + "\\.)*" + LABEL;
        static final String LITERAL = "\\[(IPv6:[0-9A-Fa-f:.]+|[0-9.]+)\\]";
        static final String ATOM = "([A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\\x00-\\x7f\\p{C}\\p{Z}])+";
        static final String MAILBOX = ATOM + "(\\." + ATOM + ")*@(" + NAME + "\\.?|" + LITERAL + ")";
    }

    private WireText() {
    }
}
