package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ServerText;

/**
 * The last check before a command line goes on the wire. It ends in CRLF and nothing in it may end
 * or bend the line: a CR, LF or other control character, non-ASCII without SMTPUTF8, or more than
 * {@link Commands#MAX_LINE_OCTETS} octets refuses the whole command; it is never cut or escaped into
 * something the caller did not mean.
 */
final class CommandGuard {

    /** A command line the probe refused to send because it is longer than RFC 5321 allows. */
    static final class CommandTooLongException extends RuntimeException {
        CommandTooLongException(String message) {
            super(message, null, false, false);
        }
    }

    private static final int SHOWN = 120;

    private CommandGuard() {
    }

    /** Why this line must not be sent, or null when it may. */
    static RuntimeException refusal(String line, boolean utf8Allowed) {
        if (ServerText.hasControlCharacter(line)) {
            return new UnsafeCommandException(
                    "refused to send a command containing control characters: " + ServerText.cap(line, SHOWN));
        }
        if (!utf8Allowed && !Commands.isAscii(line)) {
            return new UnsafeCommandException(
                    "refused to send a non-ASCII command without SMTPUTF8: " + ServerText.cap(line, SHOWN));
        }
        int octets = Commands.octets(line);
        if (octets > Commands.MAX_LINE_OCTETS) {
            return new CommandTooLongException("refused to send a " + Commands.verb(line) + " command of " + octets
                    + " octets: RFC 5321 4.5.3.1.4 allows " + Commands.MAX_LINE_OCTETS + " including CRLF");
        }
        return null;
    }
}
