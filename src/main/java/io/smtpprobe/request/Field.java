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
    EXPECT_ENHANCED("expect-enhanced", false);

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
