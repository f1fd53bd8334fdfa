package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Credentials;
import io.smtpprobe.core.Notify;
import io.smtpprobe.core.ProbeOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The command lines the probe sends, made in one place so that the check before connecting and
 * the dialogue agree on every octet.
 */
final class Commands {

    /** RFC 5321 4.5.3.1.4: a command line is at most 512 octets, CRLF included. */
    static final int MAX_LINE_OCTETS = 512;
    private static final int CRLF = 2;

    private Commands() {
    }

    static String ehlo(String name) {
        return "EHLO " + name;
    }

    static String helo(String name) {
        return "HELO " + name;
    }

    /** RFC 6531 3.4: the SMTPUTF8 parameter on MAIL FROM declares UTF-8 in this transaction's paths. */
    static String mailFrom(String reversePath, boolean smtpUtf8) {
        return "MAIL FROM:<" + reversePath + ">" + (smtpUtf8 ? " SMTPUTF8" : "");
    }

    static String rcptTo(String forwardPath, String notifyParameter) {
        return "RCPT TO:<" + forwardPath + ">" + notifyParameter;
    }

    /** RFC 4616: authorization identity (empty: the same), user, password, NUL-separated, in base64. */
    static String authPlain(Credentials login) {
        return "AUTH PLAIN " + base64("\0" + login.username() + "\0" + login.password());
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The RFC 3461 NOTIFY parameter with its leading space, or "" when none is to be sent. */
    static String notifyParameter(Set<Notify> notify, boolean dsnOffered) {
        if (notify.isEmpty() || !dsnOffered) {
            return "";
        }
        if (notify.contains(Notify.NEVER)) {
            return " NOTIFY=NEVER";
        }
        return " NOTIFY=" + notify.stream().sorted().map(Enum::name).collect(Collectors.joining(","));
    }

    /** True when some path needs SMTPUTF8: a non-ASCII local part, or a domain left without an A-label. */
    static boolean needsSmtpUtf8(ProbeOptions options) {
        return !isAscii(options.mailFrom()) || options.rcptTo().stream().anyMatch(path -> !isAscii(path));
    }

    /**
     * The first command this probe could send that is longer than RFC 5321 allows, whatever the
     * server offers, or null. The validator keeps paths and names far shorter; this is the
     * last check, made before any connection so that such a probe never reaches a server.
     */
    static String firstTooLong(ProbeOptions options) {
        boolean utf8 = needsSmtpUtf8(options);
        String ehlo = ehlo(options.ehloName());
        if (octets(ehlo) > MAX_LINE_OCTETS) {
            return ehlo;
        }
        String mail = mailFrom(options.mailFrom(), utf8);
        if (octets(mail) > MAX_LINE_OCTETS) {
            return mail;
        }
        String notify = notifyParameter(options.dsnNotify(), true);
        for (String recipient : options.rcptTo()) {
            String rcpt = rcptTo(recipient, notify);
            if (octets(rcpt) > MAX_LINE_OCTETS) {
                return rcpt;
            }
        }
        return null;
    }

    /** The octets on the wire: UTF-8 (ASCII is a subset) plus CRLF. */
    static int octets(String line) {
        return line.getBytes(StandardCharsets.UTF_8).length + CRLF;
    }

    static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** The command as the messages name it: its verb, or "MAIL FROM" and "RCPT TO" with their second word. */
    static String verb(String line) {
        int space = line.indexOf(' ');
        String verb = space < 0 ? line : line.substring(0, space);
        // MAIL FROM / RCPT TO read better with their second word
        if ((verb.equalsIgnoreCase("MAIL") || verb.equalsIgnoreCase("RCPT")) && space > 0) {
            int colon = line.indexOf(':', space);
            if (colon > 0) {
                verb = line.substring(0, colon);
            }
        }
        return verb;
    }
}
