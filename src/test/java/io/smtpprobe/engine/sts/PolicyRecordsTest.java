package io.smtpprobe.engine.sts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyRecordsTest {

    @Test
    void readsTheStsIdAndIgnoresOtherTxtRecords() {
        var txt = PolicyRecords.sts(List.of("v=spf1 -all", "v=STSv1; id=20240101T000000;", "google-site-verification=x"));
        assertEquals("20240101T000000", txt.id());
        assertNull(txt.error());
    }

    @Test
    void noStsRecordIsNoPolicy() {
        assertFalse(PolicyRecords.sts(List.of("v=spf1 -all")).present());
    }

    @Test
    void twoStsRecordsOrABadIdMakeTheRecordUnusable() {
        assertTrue(PolicyRecords.sts(List.of("v=STSv1; id=a", "v=STSv1; id=b")).error().contains("2 TXT records"));
        assertTrue(PolicyRecords.sts(List.of("v=STSv1;")).error().contains("no id"));
        assertTrue(PolicyRecords.sts(List.of("v=STSv1; id=has-dash")).error().contains("letters and digits"));
        assertTrue(PolicyRecords.sts(List.of("v=STSv1; id=123456789012345678901234567890123")).error()
                .contains("letters and digits"));
    }

    @Test
    void readsTheTlsRptTargetsMailtoAndHttpsOnly() {
        assertEquals(List.of("mailto:tlsrpt@example.test", "https://report.example.test/v1"),
                PolicyRecords.tlsRptRua(List.of("v=TLSRPTv1; rua=mailto:tlsrpt@example.test, https://report.example.test/v1,ftp://x")));
        assertEquals(List.of(), PolicyRecords.tlsRptRua(List.of("v=TLSRPTv1; rua=mailto:a@x.test", "v=TLSRPTv1; rua=mailto:b@x.test")));
        assertEquals(List.of(), PolicyRecords.tlsRptRua(List.of("v=spf1 -all")));
        String many = "v=TLSRPTv1; rua=" + String.join(",", java.util.Collections.nCopies(5000, "mailto:a@x.test"));
        assertEquals(PolicyRecords.MAX_RUA, PolicyRecords.tlsRptRua(List.of(many)).size());
    }
}
