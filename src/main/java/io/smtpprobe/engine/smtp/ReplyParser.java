package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.Limits;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Incremental RFC 5321 §4.2 reply parser; see {@link #endOfLine()} for what ends a line. Bytes are fed as they arrive; complete replies come
 * out. It never holds more than one line and one reply's worth of lines, and it counts every
 * byte, so whatever a server sends, a probe's memory stays within {@link Limits}.
 *
 * <p>Once a violation was reported the parser stays failed: the stream cannot be resynchronised.
 */
public final class ReplyParser {

    private final Limits limits;
    /** Typical reply lines are short; the buffer grows to the limit only for a server that needs it. */
    private static final int INITIAL_LINE_CAPACITY = 128;

    private final int lineCapacity;
    private byte[] line;
    private int lineLength;
    private long totalBytes;
    private int pendingCode = -1;
    private final List<String> pendingLines = new ArrayList<>();
    private ProtocolViolationException failure;

    public ReplyParser(Limits limits) {
        this.limits = limits;
        this.lineCapacity = limits.maxLineLength() + 1;
        this.line = new byte[Math.min(lineCapacity, INITIAL_LINE_CAPACITY)];
    }

    /** Returns the replies completed by these bytes, in order; throws on the first violation. */
    public List<Reply> feed(Buffer data) {
        if (failure != null) {
            throw failure;
        }
        List<Reply> replies = new ArrayList<>(1);
        try {
            for (int i = 0; i < data.length(); i++) {
                if (++totalBytes > limits.maxBytesPerConnection()) {
                    throw new ProtocolViolationException(
                            "server sent more than " + limits.maxBytesPerConnection() + " bytes");
                }
                byte b = data.getByte(i);
                if (b == '\n') {
                    Reply reply = endOfLine();
                    if (reply != null) {
                        replies.add(reply);
                    }
                } else {
                    if (lineLength == line.length) {
                        if (line.length == lineCapacity) {
                            throw new ProtocolViolationException(
                                    "reply line exceeds " + limits.maxLineLength() + " bytes");
                        }
                        line = Arrays.copyOf(line, Math.min(lineCapacity, line.length * 2));
                    }
                    line[lineLength++] = b;
                }
            }
        } catch (ProtocolViolationException e) {
            failure = e;
            throw e;
        }
        return replies;
    }

    /** True when part of a line or of a multi-line reply is buffered. */
    public boolean hasPartialReply() {
        return lineLength > 0 || pendingCode >= 0;
    }

    /**
     * The line-ending policy (README "Line endings"): LF ends a line, with or without the CR that
     * RFC 5321 puts before it; Postfix and Exim accept a bare LF too. Every CR right before the LF is
     * part of the line end, so {@code PIPELINING\r\r\n} is the keyword {@code PIPELINING} and no
     * stray CR reaches a keyword or reply text. A CR anywhere else never ends a line (RFC 5321 2.3.8):
     * it stays in the text, which ServerText shows escaped as {@code \x0d}.
     */
    private Reply endOfLine() {
        int length = lineLength;
        while (length > 0 && line[length - 1] == '\r') {
            length--;
        }
        lineLength = 0;
        if (length > limits.maxLineLength()) {
            throw new ProtocolViolationException("reply line exceeds " + limits.maxLineLength() + " bytes");
        }
        String text = new String(line, 0, length, StandardCharsets.UTF_8);
        int code = codeOf(text);
        boolean last = text.length() == 3 || text.charAt(3) == ' ';
        if (pendingCode >= 0 && pendingCode != code) {
            throw new ProtocolViolationException(
                    "reply lines carry different codes " + pendingCode + " and " + code);
        }
        if (pendingLines.size() == limits.maxLinesPerReply()) {
            throw new ProtocolViolationException("reply exceeds " + limits.maxLinesPerReply() + " lines");
        }
        pendingCode = code;
        pendingLines.add(ServerText.sanitize(text.length() > 4 ? text.substring(4) : "", limits.maxTextLength()));
        if (!last) {
            return null;
        }
        Reply reply = Reply.of(code, pendingLines);
        pendingLines.clear();
        pendingCode = -1;
        return reply;
    }

    private int codeOf(String text) {
        boolean wellFormed = text.length() >= 3
                && text.charAt(0) >= '2' && text.charAt(0) <= '5'
                && isDigit(text.charAt(1)) && isDigit(text.charAt(2))
                && (text.length() == 3 || text.charAt(3) == ' ' || text.charAt(3) == '-');
        if (!wellFormed) {
            throw new ProtocolViolationException(
                    "malformed reply line: " + ServerText.cap(text, Math.min(80, limits.maxTextLength())));
        }
        return (text.charAt(0) - '0') * 100 + (text.charAt(1) - '0') * 10 + (text.charAt(2) - '0');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
