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
        Info,
        /**
         * Something that happened to the connection rather than a line on it, and changed the course
         * of the dialogue: a failed TLS handshake, the start of a plaintext retry.
         */
        Event
    }

    /** The line as the telnet-like text shows it: commands and replies bare, the probe's notes marked. */
    public String asTelnet() {
        return switch (direction) {
            case Client, Server -> text;
            case Info -> "* " + text;
            case Event -> "** " + text;
        };
    }

    @Override
    public String toString() {
        return switch (direction) {
            case Client -> "C: " + text;
            case Server -> "S: " + text;
            case Info, Event -> asTelnet();
        };
    }
}
