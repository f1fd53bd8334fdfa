package io.smtpprobe.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How much of what servers say one report may keep. Verdicts (reason, deciding reply, detail) are
 * always kept whole; transcripts are what a hostile server can make large, so they are cut, with a
 * marker line that says how much was left out. Applied as each dialogue ends ({@link Meter}), so a
 * run never holds more than the budget, whatever the servers send.
 *
 * @param linesPerServer     transcript lines kept per server (head and tail, the middle is dropped)
 * @param textBytesPerServer UTF-8 bytes of transcript text kept per server
 * @param serversPerDomain   server results kept per domain (the engine tries at most this many)
 * @param totalTextBytes     server text (transcripts, reply lines, EHLO keywords) kept over the whole report; past it
 *                           a server keeps its verdict, its reply's first line and the marker
 */
public record ReportBudget(int linesPerServer, int textBytesPerServer, int serversPerDomain, long totalTextBytes) {

    /**
     * A whole Postfix dialogue with DATA is about 25 lines and 1.5 KiB; 100 domains × 10 servers at
     * the per-server cap would still be 16 MiB, hence the total.
     */
    public static final ReportBudget DEFAULT = new ReportBudget(120, 16 * 1024, 10, 1024 * 1024);

    /** Lines of a kept reply: the classifier read them all; a multi-line 5xx explains itself in its first few. */
    static final int REPLY_LINES = 4;
    /** EHLO keywords kept; real servers advertise about a dozen. */
    static final int EXTENSIONS = 24;

    /** How many of the kept lines come from the end of the transcript, where the verdict and QUIT are. */
    private static final int TAIL_SHARE = 4;

    public static final String TRUNCATED_PREFIX = "transcript truncated: ";

    public Meter meter() {
        return new Meter(this);
    }

    /** The budget of one run; thread-safe, dialogues end on different event loops. */
    public static final class Meter {
        private final ReportBudget budget;
        private long used;
        private boolean truncated;

        private Meter(ReportBudget budget) {
            this.budget = budget;
        }

        /**
         * The result as the report keeps it: its transcript, reply and EHLO keywords within the
         * per-server budget, and within what is left of the total; past the total, the verdict,
         * the reply's first line and a marker.
         */
        public ServerResult admit(ServerResult server) {
            List<TranscriptLine> lines = server.transcript();
            List<TranscriptLine> kept = cut(lines, budget.linesPerServer, budget.textBytesPerServer);
            Reply reply = firstLines(server.reply(), REPLY_LINES);
            List<String> extensions = SecurityExtensions.keepFirst(server.extensions(), EXTENSIONS);
            long size = bytes(kept) + textBytes(reply == null ? List.of() : reply.lines()) + textBytes(extensions);
            synchronized (this) {
                if (used + size > budget.totalTextBytes) {
                    kept = List.of(marker(lines.size(), bytes(lines), "the report's budget of "
                            + kib(budget.totalTextBytes) + " of server text is used up"));
                    reply = firstLines(reply, 1);
                    extensions = List.of();
                    size = 0;
                }
                used += size;
                boolean cut = kept != lines || reply != server.reply() || extensions != server.extensions();
                truncated |= cut;
                if (!cut) {
                    return server;
                }
            }
            return server.toBuilder().transcript(kept).reply(reply).extensions(extensions).build();
        }

        /** The domain's servers within {@code serversPerDomain}, the deciding one always among them. */
        public List<ServerResult> servers(List<ServerResult> servers, ServerResult deciding) {
            if (servers.size() <= budget.serversPerDomain) {
                return servers;
            }
            List<ServerResult> out = new ArrayList<>(servers.subList(0, budget.serversPerDomain));
            if (deciding != null && !out.contains(deciding)) {
                out.set(out.size() - 1, deciding);
            }
            synchronized (this) {
                truncated = true;
            }
            return out;
        }

        public synchronized boolean truncated() {
            return truncated;
        }

        public synchronized long usedBytes() {
            return used;
        }
    }

    /** Head and tail within both limits, with a marker where the middle was; the list itself when it fits. */
    static List<TranscriptLine> cut(List<TranscriptLine> lines, int maxLines, int maxBytes) {
        if (lines.size() <= maxLines && bytes(lines) <= maxBytes) {
            return lines;
        }
        int tailLines = maxLines / TAIL_SHARE;
        int headLines = maxLines - tailLines - 1;
        int tailBytes = maxBytes / TAIL_SHARE;
        List<TranscriptLine> head = new ArrayList<>();
        long headSize = 0;
        for (TranscriptLine line : lines) {
            long size = bytes(line);
            if (head.size() >= headLines || headSize + size > maxBytes - tailBytes) {
                break;
            }
            head.add(line);
            headSize += size;
        }
        List<TranscriptLine> tail = new ArrayList<>();
        long tailSize = 0;
        for (int i = lines.size() - 1; i >= head.size(); i--) {
            long size = bytes(lines.get(i));
            if (tail.size() >= tailLines || tailSize + size > tailBytes) {
                break;
            }
            tail.add(0, lines.get(i));
            tailSize += size;
        }
        List<TranscriptLine> dropped = lines.subList(head.size(), lines.size() - tail.size());
        List<TranscriptLine> out = new ArrayList<>(head);
        out.add(marker(dropped.size(), bytes(dropped), "per-server budget " + maxLines + " lines, " + kib(maxBytes)));
        out.addAll(tail);
        return out;
    }

    private static Reply firstLines(Reply reply, int max) {
        return reply == null || reply.lines().size() <= max ? reply
                : new Reply(reply.code(), reply.enhancedCode(), reply.lines().subList(0, max));
    }

    private static long textBytes(List<String> texts) {
        long n = 0;
        for (String t : texts) {
            n += t.getBytes(StandardCharsets.UTF_8).length + 1L;
        }
        return n;
    }

    private static TranscriptLine marker(int lines, long bytes, String why) {
        return new TranscriptLine(TranscriptLine.Direction.Info,
                TRUNCATED_PREFIX + lines + " more lines (" + bytes + " bytes) left out: " + why);
    }

    static long bytes(List<TranscriptLine> lines) {
        long n = 0;
        for (TranscriptLine line : lines) {
            n += bytes(line);
        }
        return n;
    }

    private static long bytes(TranscriptLine line) {
        // the text and its direction prefix, as every renderer writes it
        return line.text().getBytes(StandardCharsets.UTF_8).length + 3L;
    }

    private static String kib(long bytes) {
        return bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes / 1024 + " KiB";
    }
}
