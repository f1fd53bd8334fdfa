package io.smtpprobe.engine.dns;

import io.smtpprobe.core.DnsStatus;
import java.util.List;
import org.xbill.DNS.Record;

/**
 * The end of one lookup: the records of the asked type (found at the end of any CNAME chain)
 * when {@code status} is Ok, otherwise why there are none.
 */
record Answer(DnsStatus status, List<Record> records, String detail) {
    Answer {
        records = List.copyOf(records);
    }

    static Answer found(List<Record> records) {
        return new Answer(DnsStatus.Ok, records, "");
    }

    static Answer failed(DnsStatus status, String detail) {
        return new Answer(status, List.of(), detail);
    }
}
