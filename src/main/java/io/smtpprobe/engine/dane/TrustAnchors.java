package io.smtpprobe.engine.dane;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * DNSSEC trust anchors from a file an operator wrote: checked when the setting is read, so a typo
 * stops {@code check} or the operator's start-up with the file and line, not the first DANE lookup
 * with a stack trace.
 */
public final class TrustAnchors {
    /** A trust-anchor file is a handful of lines; anything this large is the wrong file. */
    private static final long MAX_BYTES = 64 * 1024;

    private TrustAnchors() {
    }

    /**
     * The file's text, once it holds at least one DS or DNSKEY record and nothing a zone-file
     * parser refuses.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static String read(Path file) {
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + ": larger than " + MAX_BYTES + " bytes, not a trust-anchor file");
            }
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + ")", e);
        }
        return validated(file.toString(), text);
    }

    /** As {@link #read}, for anchors given as text ({@code source} names them in the error). */
    public static String validated(String source, String text) {
        int anchors = 0;
        try (Master parser = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), Name.root)) {
            for (Record record = parser.nextRecord(); record != null; record = parser.nextRecord()) {
                if (record.getType() == Type.DS || record.getType() == Type.DNSKEY) {
                    anchors++;
                } else {
                    throw new IllegalArgumentException(source + ": " + Type.string(record.getType()) + " record for "
                            + record.getName() + ": only DS and DNSKEY records are trust anchors");
                }
            }
        } catch (IOException e) {
            // dnsjava names the line as "<none>:2: expected an integer" for a stream without a file name
            String where = String.valueOf(e.getMessage()).replaceFirst("^<none>:(\\d+):", "line $1:");
            throw new IllegalArgumentException(source + ": not a zone-file list of DS/DNSKEY records: " + where, e);
        }
        if (anchors == 0) {
            throw new IllegalArgumentException(source + ": no DS or DNSKEY record (expected lines such as "
                    + "\". 172800 IN DS 20326 8 2 E06D…\")");
        }
        return text;
    }
}
