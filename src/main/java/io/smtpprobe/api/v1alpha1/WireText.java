package io.smtpprobe.api.v1alpha1;

/**
 * Patterns shared by the CRD schema (RE2 syntax, checked by the API server) and the code-side
 * validator (java.util.regex), so that both refuse the same input. Anything that ends up in an
 * SMTP command line must not carry CR, LF or other control characters: one stray CRLF would let a
 * resource author inject extra SMTP commands.
 */
public final class WireText {
    /** No C0 control characters and no DEL. */
    public static final String SINGLE_LINE = "^[^\\x00-\\x1f\\x7f]*$";
    /** Message bodies may span lines (CR, LF, TAB) but carry no other control characters. */
    public static final String MULTI_LINE = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$";
    /** A DNS name; letters of any script so internationalised names can be written as such. */
    public static final String DOMAIN =
            "^([\\p{L}\\p{N}]([\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?\\.)*[\\p{L}\\p{N}]([\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?\\.?$";
    /** HOST, HOST:PORT, [IPV6] or [IPV6]:PORT. */
    public static final String SERVER =
            "^(\\[[0-9A-Fa-f:.]+\\]|[\\p{L}\\p{N}]([\\p{L}\\p{N}.-]{0,251}[\\p{L}\\p{N}])?)(:[0-9]{1,5})?$";
    /** A Go-style duration restricted to the units that make sense for probing. */
    public static final String DURATION = "^([0-9]+(ms|s|m|h))+$";

    private WireText() {
    }
}
