package io.smtpprobe.core;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * A login for an authenticated submission probe (RFC 4954). Its {@link #toString()} never shows
 * the password, so that a record holding it (options, requests, log lines, exceptions) cannot print
 * it by accident; only the AUTH step reads {@link #password()}.
 */
public record Credentials(String username, String password) {

    public static final String REDACTED = "<redacted>";

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    /**
     * Every form in which the secret could travel: the password as typed and base64-encoded (AUTH
     * LOGIN), and the PLAIN initial response. Used to scrub anything that could echo it back.
     */
    public List<String> secretForms() {
        var encoder = Base64.getEncoder();
        return List.of(password,
                encoder.encodeToString(password.getBytes(StandardCharsets.UTF_8)),
                encoder.encodeToString(("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=" + REDACTED + "]";
    }
}
