package io.smtpprobe.engine.dns;

import io.smtpprobe.core.DnsStatus;
import java.util.List;
import org.xbill.DNS.Record;

/**
 * The end of one lookup: the records of the asked type (found at the end of any CNAME chain)
 * when {@code status} is Ok, otherwise why there are none.
 *
 * @param ttlSeconds how long the answer may be reused: the smallest TTL along the way for records
 *                   found, the SOA's negative TTL for NXDOMAIN and NODATA (RFC 2308 §5), 0 for failures
 */
record Answer(DnsStatus status, List<Record> records, String detail, long ttlSeconds) {
    Answer {
        records = List.copyOf(records);
    }

    static Answer found(List<Record> records, long ttlSeconds) {
        return new Answer(DnsStatus.Ok, records, "", ttlSeconds);
    }

    /** NXDOMAIN or NODATA: a real answer, reusable for its negative TTL. */
    static Answer negative(DnsStatus status, String detail, long ttlSeconds) {
        return new Answer(status, List.of(), detail, ttlSeconds);
    }

    /** No usable answer (silence, SERVFAIL, a loop): never reused, the next lookup asks again. */
    static Answer failed(DnsStatus status, String detail) {
        return new Answer(status, List.of(), detail, 0);
    }
}
