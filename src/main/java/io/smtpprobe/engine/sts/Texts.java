package io.smtpprobe.engine.sts;

import io.smtpprobe.core.ServerText;

/** Quotes text that came from a policy or TXT record: sanitised and cut, never raw. */
final class Texts {
    static final int MAX = 120;

    private Texts() {
    }

    static String quote(String text) {
        return "'" + ServerText.sanitize(text, MAX) + "'";
    }
}
