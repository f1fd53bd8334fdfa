package io.smtpprobe.request;

import io.smtpprobe.core.Cidr;
import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.ServerText;
import java.util.regex.Pattern;

/**
 * Checks every user-supplied string before it can reach the wire. The rule that matters most:
 * no CR, LF or other control character from user input ever goes into an SMTP command, because
 * that is how a probe becomes a spam relay (SMTP command injection).
 */
public final class InputValidator {

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private InputValidator() {
    }

    /** A domain in A-label form, lower case, without a trailing dot. Unicode names are converted (IDNA). */
    public static String domain(String field, String value) {
        rejectControl(field, value);
        String s = value.trim();
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            throw new InvalidInputException(field, "empty domain name");
        }
        String ascii;
        try {
            ascii = Idna.toAscii(s);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, "invalid domain name '" + printable(value) + "'");
        }
        String[] labels = ascii.split("\\.", -1);
        for (String label : labels) {
            NameLimits.label(field, label);
        }
        NameLimits.domain(field, ascii);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new InvalidInputException(field, "invalid domain name '" + printable(value) + "'");
            }
        }
        // An all-numeric top-level label is an IP address gone wrong (999.1.1.1), never a name.
        if (labels[labels.length - 1].matches("[0-9]+")) {
            throw new InvalidInputException(field, "'" + printable(value) + "' is neither a valid IP address nor a domain name");
        }
        return ascii;
    }

    /**
     * A mailbox {@code local@domain}; angle brackets are accepted and stripped. The local part is a
     * dot-atom, which RFC 6531 extends to non-ASCII characters (sent only with SMTPUTF8); it is
     * returned NFC-normalised, the domain in A-label form.
     */
    public static String address(String field, String value) {
        rejectControl(field, value);
        String s = stripBrackets(value.trim());
        int at = s.lastIndexOf('@');
        if (at <= 0 || at == s.length() - 1) {
            throw new InvalidInputException(field, "invalid address '" + printable(value) + "' (expected local@domain)");
        }
        String local = LocalPart.normalise(field, s.substring(0, at), value);
        String domainPart = s.substring(at + 1);
        String domain = domainPart.startsWith("[") ? addressLiteral(field, domainPart) : domain(field, domainPart);
        String mailbox = local + "@" + domain;
        NameLimits.path(field, mailbox);
        return mailbox;
    }

    /** Like {@link #address} but also accepts the null reverse path ({@code <>} or empty). */
    public static String reversePath(String field, String value) {
        rejectControl(field, value);
        String s = value.trim();
        if (s.isEmpty() || s.equals("<>")) {
            return "";
        }
        return address(field, s);
    }

    /** An EHLO argument: a domain or an address literal such as {@code [192.0.2.1]}. */
    public static String ehloName(String field, String value) {
        rejectControl(field, value);
        String s = value.trim();
        return s.startsWith("[") ? addressLiteral(field, s) : domain(field, s);
    }

    /** {@code HOST}, {@code HOST:PORT}, {@code [IPv6]:PORT} or a bare IPv6 literal. */
    public static HostPort server(String field, String value) {
        rejectControl(field, value);
        String s = value.trim();
        String host;
        Integer port = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new InvalidInputException(field, "unterminated '[' in '" + printable(value) + "'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new InvalidInputException(field, "invalid server '" + printable(value) + "'");
                }
                port = port(field, rest.substring(1));
            }
            if (Cidr.literalBytes(host) == null || !host.contains(":")) {
                throw new InvalidInputException(field, "invalid IPv6 address '" + printable(host) + "'");
            }
            return hostPort(field, host, port, s);
        }
        int colons = s.length() - s.replace(":", "").length();
        if (colons > 1) {
            if (Cidr.literalBytes(s) == null) {
                throw new InvalidInputException(field, "invalid IPv6 address '" + printable(value) + "'");
            }
            return hostPort(field, s, null, s);
        }
        if (colons == 1) {
            host = s.substring(0, s.indexOf(':'));
            port = port(field, s.substring(s.indexOf(':') + 1));
        } else {
            host = s;
        }
        if (IPV4.matcher(host).matches()) {
            return hostPort(field, host, port, s);
        }
        return hostPort(field, domain(field, host), port, s);
    }

    private static HostPort hostPort(String field, String host, Integer port, String text) {
        try {
            return new HostPort(host, port, text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(field, e.getMessage());
        }
    }

    public static int port(String field, String value) {
        rejectControl(field, value);
        try {
            return port(field, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new InvalidInputException(field, "invalid port '" + printable(value) + "' (expected 1..65535)");
        }
    }

    public static int port(String field, int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidInputException(field, "port " + port + " out of range 1..65535");
        }
        return port;
    }

    /** Free text such as a subject: no control characters at all. */
    public static String line(String field, String value) {
        rejectControl(field, value);
        return value;
    }

    /** A message body: line breaks and tabs allowed (they are normalised to CRLF), nothing else. */
    public static String body(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (ServerText.isControl(c) && c != '\r' && c != '\n' && c != '\t') {
                throw new InvalidInputException(field, "control character " + escape(c) + " at position " + i);
            }
        }
        return value;
    }

    public static void rejectControl(String field, String value) {
        if (value == null) {
            throw new InvalidInputException(field, "missing value");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (ServerText.isControl(c)) {
                throw new InvalidInputException(field, "control character " + escape(c) + " at position " + i
                        + " (CR, LF and other control characters are never sent)");
            }
        }
    }

    /** For error messages: shows control characters escaped and cuts long input. */
    public static String printable(String value) {
        if (value == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && sb.length() < 120; i++) {
            char c = value.charAt(i);
            sb.append(ServerText.isControl(c) ? escape(c) : String.valueOf(c));
        }
        return sb.length() >= 120 ? sb + "…" : sb.toString();
    }

    private static String escape(char c) {
        return c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c);
    }

    private static String stripBrackets(String s) {
        return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
    }

    private static String addressLiteral(String field, String s) {
        if (!s.endsWith("]")) {
            throw new InvalidInputException(field, "unterminated address literal '" + printable(s) + "'");
        }
        String inner = s.substring(1, s.length() - 1);
        if (IPV4.matcher(inner).matches()) {
            return s;
        }
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5) && Cidr.literalBytes(inner.substring(5)) != null) {
            return s;
        }
        throw new InvalidInputException(field, "invalid address literal '" + printable(s) + "'");
    }
}
