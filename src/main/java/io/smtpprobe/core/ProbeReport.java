package io.smtpprobe.core;

import java.util.List;

/**
 * The verdict of one probe run over several domains: the worst domain decides.
 *
 * @param warnings  the request's warnings (a possible homograph...), shown with the verdict but never changing it
 * @param truncated some transcript was cut to fit the {@link ReportBudget}; the verdicts are whole
 */
public record ProbeReport(Outcome result, Reason reason, List<DomainResult> domains, List<String> warnings,
                          boolean truncated) {
    public ProbeReport {
        domains = List.copyOf(domains);
        warnings = List.copyOf(warnings);
    }

    public ProbeReport(Outcome result, Reason reason, List<DomainResult> domains, List<String> warnings) {
        this(result, reason, domains, warnings, false);
    }

    public ProbeReport(Outcome result, Reason reason, List<DomainResult> domains) {
        this(result, reason, domains, List.of(), false);
    }

    public ProbeReport withWarnings(List<String> requestWarnings) {
        return new ProbeReport(result, reason, domains, requestWarnings, truncated);
    }

    public ProbeReport withTruncated(boolean cut) {
        return new ProbeReport(result, reason, domains, warnings, cut);
    }

    /** The domains that the run deadline cut short. */
    public List<DomainResult> notFinished() {
        return domains.stream().filter(DomainResult::notFinished).toList();
    }
}
