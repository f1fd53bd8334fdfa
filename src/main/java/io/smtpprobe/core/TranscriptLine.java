package io.smtpprobe.core;

/**
 * One line of the telnet-like transcript. Server text is already sanitised (control characters
 * escaped, length capped) so a transcript is safe to print, log or store.
 */
public record TranscriptLine(Direction direction, String text) {
    public enum Direction {
        /** Sent by the probe. */
        Client,
        /** Received from the server. */
        Server,
        /** A note from the probe itself (connected, TLS established, timed out). */
        Info
    }

    @Override
    public String toString() {
        return switch (direction) {
            case Client -> "C: " + text;
            case Server -> "S: " + text;
            case Info -> "* " + text;
        };
    }
}
