package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.TranscriptLine;
import io.smtpprobe.core.ServerText;
import java.util.ArrayList;
import java.util.List;

/** The telnet-like record of one dialogue; every server string is sanitised on the way in. */
final class Transcript {

    /** Far above any sane dialogue; keeps a chatty server from growing the status without end. */
    static final int MAX_LINES = 400;

    private final List<TranscriptLine> lines = new ArrayList<>();
    private final int maxTextLength;

    Transcript(int maxTextLength) {
        this.maxTextLength = maxTextLength;
    }

    void client(String text) {
        add(TranscriptLine.Direction.Client, ServerText.sanitize(text, maxTextLength));
    }

    void info(String text) {
        add(TranscriptLine.Direction.Info, ServerText.sanitize(text, maxTextLength));
    }

    /** An event of the connection itself (a failed handshake, a retry), shown as {@code ** text}. */
    void event(String text) {
        add(TranscriptLine.Direction.Event, ServerText.sanitize(text, maxTextLength));
    }

    void server(Reply reply) {
        List<String> replyLines = reply.lines();
        for (int i = 0; i < replyLines.size(); i++) {
            String separator = i < replyLines.size() - 1 ? "-" : " ";
            // the parser sanitised the lines already
            add(TranscriptLine.Direction.Server,
                    ServerText.cap((reply.code() + separator + replyLines.get(i)).strip(), maxTextLength));
        }
    }

    List<TranscriptLine> lines() {
        return List.copyOf(lines);
    }

    private void add(TranscriptLine.Direction direction, String safeText) {
        if (lines.size() >= MAX_LINES) {
            return;
        }
        if (lines.size() == MAX_LINES - 1) {
            lines.add(new TranscriptLine(TranscriptLine.Direction.Info, "transcript truncated"));
            return;
        }
        lines.add(new TranscriptLine(direction, safeText));
    }
}
