package io.smtpprobe.engine.smtp;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * Says why a TLS handshake failed, in the terms a mail admin acts on: which alert the server
 * sent, no protocol version in common, a reset or close by the peer, plaintext instead of TLS, or
 * a stall. Types decide where the JDK and Netty give one (a timeout, plaintext, a closed channel);
 * a TLS alert has no type of its own, so its name is read from the JDK's message, which has said
 * "Received fatal alert: NAME" since the first JSSE and names the alert as RFC 8446 §6 does.
 */
final class TlsHandshakeErrors {

    /** Netty's message for plaintext is this prefix and a hex dump of what arrived. */
    private static final String NOT_TLS_PREFIX = "not an SSL/TLS record: ";
    private static final int NOT_TLS_PREVIEW = 40;
    private static final Pattern ALERT = Pattern.compile("(?i)received fatal alert: ([a-z_0-9]+)");
    /** The JDK's words when the two sides share no version, whichever side noticed. */
    private static final Pattern NO_COMMON_VERSION = Pattern.compile(
            "(?i)protocol version|no appropriate protocol|unsupported protocol|not accepted by client preferences");
    private static final Pattern CLOSED = Pattern.compile("(?i)connection closed while .*handshake|engine closed|closed already");

    private TlsHandshakeErrors() {
    }

    /**
     * One phrase for the failure, e.g. {@code the server sent the TLS alert handshake_failure (no
     * cipher suite in common)}; raw, for a sink that sanitises (the peer chose some of the words).
     */
    static String describe(Throwable error, Throwable socketError, Duration handshakeTimeout) {
        // Netty fails the handshake with "closed" when the socket was reset: the reset says more
        if (socketError != null && isReset(socketError)) {
            return "the server reset the connection during the handshake";
        }
        return describe(error, handshakeTimeout);
    }

    static String describe(Throwable error, Duration handshakeTimeout) {
        if (SocketErrors.causedBy(error, SslHandshakeTimeoutException.class)) {
            return "no handshake within " + handshakeTimeout.toMillis() + " ms (the server stalled)";
        }
        NotSslRecordException plaintext = find(error, NotSslRecordException.class);
        if (plaintext != null) {
            return "the server answered in plaintext, not TLS: " + preview(plaintext.getMessage());
        }
        Matcher alert = ALERT.matcher(messages(error));
        if (alert.find()) {
            String name = alert.group(1).toLowerCase(Locale.ROOT);
            return "the server sent the TLS alert " + name + alertMeaning(name);
        }
        String all = messages(error);
        if (NO_COMMON_VERSION.matcher(all).find()) {
            return "no TLS protocol version in common: " + innermost(error);
        }
        if (isReset(error)) {
            return "the server reset the connection during the handshake";
        }
        if (SocketErrors.causedBy(error, ClosedChannelException.class) || CLOSED.matcher(all).find()) {
            return "the server closed the connection during the handshake";
        }
        return innermost(error);
    }

    /** Why a server sends the alerts seen in practice; the name alone says little to most readers. */
    private static String alertMeaning(String name) {
        return switch (name) {
            case "handshake_failure" -> " (no cipher suite or parameters in common)";
            case "protocol_version" -> " (no TLS protocol version in common)";
            case "insufficient_security" -> " (the server wants stronger ciphers than offered)";
            case "unrecognized_name" -> " (the server knows no certificate for this name)";
            case "internal_error" -> " (the server failed internally)";
            case "illegal_parameter", "decode_error", "unexpected_message" -> " (the server did not understand the ClientHello)";
            default -> "";
        };
    }

    /**
     * A reset has no exception type of its own: the JDK says "Connection reset", native transports
     * "Connection reset by peer". Only the I/O exceptions' own words are read, never ours.
     */
    private static boolean isReset(Throwable error) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t instanceof IOException && !(t instanceof SSLException) && t.getMessage() != null
                    && t.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
                return true;
            }
        }
        return false;
    }

    /** The plaintext the server sent, decoded from Netty's hex dump; what it says is the clue ("220", "HTTP/1.1"). */
    private static String preview(String message) {
        if (message == null || !message.startsWith(NOT_TLS_PREFIX)) {
            return "bytes that are not a TLS record";
        }
        String hex = message.substring(NOT_TLS_PREFIX.length()).strip();
        int bytes = Math.min(NOT_TLS_PREVIEW, hex.length() / 2);
        try {
            byte[] raw = HexFormat.of().parseHex(hex, 0, bytes * 2);
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            int lineEnd = indexOfLineEnd(text);
            boolean more = lineEnd >= 0 || hex.length() / 2 > bytes;
            return "\"" + (lineEnd >= 0 ? text.substring(0, lineEnd) : text) + (more ? "..." : "") + "\"";
        } catch (IllegalArgumentException e) {
            return "bytes that are not a TLS record";
        }
    }

    private static int indexOfLineEnd(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\r' || text.charAt(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String innermost(Throwable error) {
        Throwable deepest = error;
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
            if (t.getMessage() != null) {
                deepest = t;
            }
        }
        return String.valueOf(deepest.getMessage());
    }

    private static String messages(Throwable error) {
        var all = new StringBuilder();
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
