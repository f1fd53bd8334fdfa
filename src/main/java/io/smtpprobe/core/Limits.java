package io.smtpprobe.core;

/**
 * Caps on what a server may make the probe buffer. Exceeding any of them is a
 * {@link Reason#ProtocolViolation}; together they bound a probe's memory whatever the peer sends.
 */
public record Limits(int maxLineLength, int maxLinesPerReply, long maxBytesPerConnection, int maxTextLength) {

    /** RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; real servers stay far below 100 lines. */
    public static final Limits DEFAULT = new Limits(2048, 100, 256 * 1024, 512);
}
