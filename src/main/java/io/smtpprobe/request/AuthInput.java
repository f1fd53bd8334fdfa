package io.smtpprobe.request;

import java.nio.charset.StandardCharsets;

/**
 * A user name or password for AUTH. Its messages never quote it: a refused password must not end up
 * in a terminal, a status or an Event. Control characters are refused before this (the validator
 * does that first for every field): a NUL would split PLAIN's message (RFC 4616), a CR or LF the
 * command line.
 */
final class AuthInput {

    /**
     * Octets of UTF-8 each. Long enough for generated passwords and tokens; short enough that AUTH
     * PLAIN with its initial response stays within RFC 5321's 512-octet command line
     * ("AUTH PLAIN " and base64 of 2 + 2 x 128 octets: 355 octets with CRLF).
     */
    static final int MAX_OCTETS = 128;

    private AuthInput() {
    }

    static String credential(String field, String value) {
        if (value.isEmpty()) {
            throw new InvalidInputException(field, "empty");
        }
        int octets = value.getBytes(StandardCharsets.UTF_8).length;
        if (octets > MAX_OCTETS) {
            throw new InvalidInputException(field, octets + " octets, at most " + MAX_OCTETS + " are accepted");
        }
        return value;
    }
}
