package io.smtpprobe.engine.smtp;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One probe setting's message after DATA as wire bytes, headers encoded, body normalised to CRLF and
 * dot-stuffed by {@link MessageBuilder} once: a dialogue only fills in its Date and Message-ID and
 * writes one buffer. Immutable but for the last formatted Date, which any event loop may replace.
 */
final class MessageTemplate {

    /** A UUID as text: 8-4-4-4-12 hex digits. */
    private static final int UUID_LENGTH = 36;

    private final byte[] beforeDate;
    private final byte[] dateToMessageId;
    private final byte[] afterMessageId;
    /** The Date of the last second a message was rendered in; formatting one costs more than the rest. */
    private volatile FormattedDate lastDate;

    private record FormattedDate(long epochSecond, ZoneId zone, byte[] text) {
    }

    MessageTemplate(byte[] beforeDate, byte[] dateToMessageId, byte[] afterMessageId) {
        this.beforeDate = beforeDate;
        this.dateToMessageId = dateToMessageId;
        this.afterMessageId = afterMessageId;
    }

    /** The message for one dialogue: this second's Date (the clock's zone) and a fresh Message-ID. */
    Buffer render(Clock clock) {
        byte[] date = date(clock);
        Buffer message = Buffer.buffer(beforeDate.length + date.length + dateToMessageId.length + UUID_LENGTH
                + afterMessageId.length);
        return message.appendBytes(beforeDate).appendBytes(date).appendBytes(dateToMessageId)
                .appendString(messageIdLocalPart(), "US-ASCII").appendBytes(afterMessageId);
    }

    private byte[] date(Clock clock) {
        Instant now = clock.instant();
        ZoneId zone = clock.getZone();
        FormattedDate last = lastDate;
        if (last == null || last.epochSecond() != now.getEpochSecond() || !last.zone().equals(zone)) {
            String text = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.ofInstant(now, zone));
            last = new FormattedDate(now.getEpochSecond(), zone, text.getBytes(StandardCharsets.US_ASCII));
            lastDate = last;
        }
        return last.text();
    }

    /**
     * A random (version 4) UUID, as before, but from the thread's own generator: a Message-ID needs to
     * be unique, not unguessable, and {@link UUID#randomUUID()}'s SecureRandom is one lock for every
     * event loop.
     */
    private static String messageIdLocalPart() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
