package io.smtpprobe.core;

import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import java.util.List;

/** The verdict of one probe run over several domains: the worst domain decides. */
public record ProbeReport(Outcome result, Reason reason, List<DomainResult> domains) {
    public ProbeReport {
        domains = List.copyOf(domains);
    }
}
