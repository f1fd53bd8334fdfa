package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Limits;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.Stage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The corpus of real server replies, src/test/resources/replies/corpus.tsv: one reply per row,
 * with the MTA, where its wording comes from, the stage that drew it, and what the probe must make
 * of it. Each reply goes through the real {@link ReplyParser}, as it would off the wire.
 */
final class ReplyCorpus {
    static final Path FILE = Path.of("src/test/resources/replies/corpus.tsv");

    record Entry(int line, String mta, String source, Stage stage, String wire, Reply reply, Reason reason,
            String queueId) {

        /** The reply as a transcript shows it, the lines joined by a space, for names and the README. */
        String quoted() {
            return String.join(" ", wire.split("\r\n"));
        }

        @Override
        public String toString() {
            String quoted = quoted();
            // test names stay one short line
            return mta + " line " + line + ": " + stage.command() + " "
                    + (quoted.length() <= 100 ? quoted : quoted.substring(0, 99) + "…");
        }
    }

    private ReplyCorpus() {
    }

    static List<Entry> entries() {
        List<String> lines;
        try {
            lines = Files.readAllLines(FILE, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (f.length != 6) {
                throw new IllegalArgumentException(FILE + ":" + (i + 1) + ": expected 6 tab-separated fields, got " + f.length);
            }
            String wire = f[3].replace("\\r\\n", "\r\n");
            entries.add(new Entry(i + 1, f[0], f[1], Stage.valueOf(f[2]), wire, parse(wire, i + 1),
                    Reason.valueOf(f[4]), f[5].equals("-") ? null : f[5]));
        }
        return entries;
    }

    private static Reply parse(String wire, int line) {
        List<Reply> replies = new ReplyParser(Limits.DEFAULT).feed(Buffer.buffer(wire + "\r\n"));
        if (replies.size() != 1) {
            throw new IllegalArgumentException(FILE + ":" + line + ": expected one reply, parsed " + replies.size());
        }
        return replies.get(0);
    }
}
