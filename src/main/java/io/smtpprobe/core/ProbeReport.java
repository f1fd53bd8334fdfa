package io.smtpprobe.core;

import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import java.util.List;

/**
 * The verdict of one probe run over several domains: the worst domain decides.
 *
 * @param warnings the request's warnings (a possible homograph...), shown with the verdict but never changing it
 */
public record ProbeReport(Outcome result, Reason reason, List<DomainResult> domains, List<String> warnings) {
    public ProbeReport {
        domains = List.copyOf(domains);
        warnings = List.copyOf(warnings);
    }

    public ProbeReport(Outcome result, Reason reason, List<DomainResult> domains) {
        this(result, reason, domains, List.of());
    }

    public ProbeReport withWarnings(List<String> requestWarnings) {
        return new ProbeReport(result, reason, domains, requestWarnings);
    }
}
