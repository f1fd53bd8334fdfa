package io.smtpprobe.core;

/**
 * A server named by the user, already validated (see {@code io.smtpprobe.request}): a host name in
 * A-label form or an IP literal, and the port when one was given. The constructor re-checks only
 * what would make the engine connect somewhere unintended or write a control character, so a
 * request built by hand cannot smuggle either past the validator.
 *
 * @param port null when the server did not name one: the request's port applies
 * @param text how the user wrote it, for labels in reports
 */
public record HostPort(String host, Integer port, String text) {
    public HostPort {
        if (host == null || host.isBlank() || host.indexOf(' ') >= 0 || ServerText.hasControlCharacter(host)) {
            throw new IllegalArgumentException("invalid server host '" + ServerText.sanitize(host, 80) + "'");
        }
        // An all-numeric top-level label is an IP address gone wrong (999.1.1.1), never a name to look up.
        if (Cidr.literalBytes(host) == null && host.substring(host.lastIndexOf('.') + 1).matches("[0-9]+")) {
            throw new IllegalArgumentException("'" + host + "' is neither a valid IP address nor a host name");
        }
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port " + port + " out of range 1..65535");
        }
        if (text == null) {
            text = port == null ? host : (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    public HostPort(String host, Integer port) {
        this(host, port, null);
    }

    public int portOr(int fallback) {
        return port != null ? port : fallback;
    }

    @Override
    public String toString() {
        return text;
    }
}
