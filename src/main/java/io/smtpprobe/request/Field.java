package io.smtpprobe.request;

/**
 * What a probe request is made of, by canonical name. The key is the REST API's JSON key and the
 * {@code check} command's long option without its dashes; each entry point renders a field in
 * its own naming ({@code --mail-from}, {@code mail-from}, {@code spec.mailFrom}).
 */
public enum Field {
    DOMAINS("domains", true),
    SERVER("server", true),
    PORT("port", false),
    EHLO("ehlo", false),
    MAIL_FROM("mail-from", false),
    RCPT_TO("rcpt-to", true),
    NOTIFY("notify", false),
    TLS("tls", false),
    INSECURE("insecure", false),
    DATA("data", false),
    SUBJECT("subject", false),
    BODY("body", false),
    CONNECT_TIMEOUT("connect-timeout", false),
    COMMAND_TIMEOUT("command-timeout", false),
    TIMEOUT("timeout", false),
    RUN_TIMEOUT("run-timeout", false),
    MX_POLICY("mx-policy", false),
    TRANSPORT_SECURITY("transport-security", false),
    // What a healthy answer is (an Expectation): judged by RequestValidator.validateExpecting, not probed.
    EXPECT("expect", true),
    EXPECT_CODE("expect-code", false),
    EXPECT_ENHANCED("expect-enhanced", false),
    // AUTH of a submission probe (SmtpAuth). The user and password come from a file, the environment
    // or a Secret, never from argv or a REST body; no message about them ever quotes their value.
    AUTH_USER("auth-user", false),
    AUTH_PASSWORD("auth-password", false),
    AUTH_MECHANISM("auth-mechanism", false),
    AUTH_ALLOW_PLAINTEXT("auth-allow-plaintext", false);

    private final String key;
    private final boolean repeatable;

    Field(String key, boolean repeatable) {
        this.key = key;
        this.repeatable = repeatable;
    }

    public String key() {
        return key;
    }

    /** Repeatable fields collect every value; for the others the last value wins, as with a repeated option. */
    public boolean repeatable() {
        return repeatable;
    }

    /** A field of an authenticated probe: the REST API takes none of them (credentials come from a Secret). */
    public boolean isAuth() {
        return this == AUTH_USER || this == AUTH_PASSWORD || this == AUTH_MECHANISM || this == AUTH_ALLOW_PLAINTEXT;
    }

    /** The field with this key, or null. */
    public static Field byKey(String key) {
        for (Field f : values()) {
            if (f.key.equals(key)) {
                return f;
            }
        }
        return null;
    }
}
