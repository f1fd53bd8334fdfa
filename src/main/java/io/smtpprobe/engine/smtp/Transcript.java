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

    /** Shorter secrets are not scrubbed from other text: they would blank out ordinary words and codes. */
    private static final int MIN_SCRUBBED = 4;

    private final List<TranscriptLine> lines = new ArrayList<>();
    private final int maxTextLength;
    private List<String> secrets = List.of();

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

    /**
     * From now on these strings never enter the transcript: a server could echo what it was sent
     * (a 535 that quotes the AUTH line), and the transcript reaches status, Events and reports.
     */
    void redact(List<String> forms) {
        List<String> scrubbed = new ArrayList<>();
        for (String form : forms) {
            if (form.length() >= MIN_SCRUBBED) {
                scrubbed.add(form);
            }
        }
        secrets = List.copyOf(scrubbed);
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
        lines.add(new TranscriptLine(direction, scrub(safeText)));
    }

    private String scrub(String text) {
        String out = text;
        for (String secret : secrets) {
            out = out.replace(secret, "<redacted>");
        }
        return out;
    }
}
