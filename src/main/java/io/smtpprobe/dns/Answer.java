package io.smtpprobe.dns;

import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * The end of one lookup: the records of the asked type found at {@code name} (the end of any
 * CNAME chain) when {@code status} is Ok, otherwise why there are none.
 */
record Answer(DnsStatus status, Name name, List<Record> records, String detail) {
    Answer {
        records = List.copyOf(records);
    }

    static Answer found(Name name, List<Record> records) {
        return new Answer(DnsStatus.Ok, name, records, "");
    }

    static Answer failed(DnsStatus status, Name name, String detail) {
        return new Answer(status, name, List.of(), detail);
    }

    boolean isFound() {
        return status == DnsStatus.Ok;
    }
}
