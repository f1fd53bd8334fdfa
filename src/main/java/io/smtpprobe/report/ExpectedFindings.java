package io.smtpprobe.report;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.ProbeReport;
import java.util.List;

/**
 * An outcome held against its {@link Expectation}, in one line: "expected X, got Y: " followed by
 * the usual {@link Findings} line, so the reader sees what was asked for, what came, and where.
 */
public final class ExpectedFindings {
    private ExpectedFindings() {
    }

    /** E.g. {@code expected RelayDenied, got Accepted: contoso.test: mx.contoso.test (127.0.0.2:2525) accepted (250 2.1.5 Ok)}. */
    public static String domain(DomainResult domain, Expectation expectation) {
        Expectation.Match match = expectation.match(domain);
        return "expected " + match.expected() + ", got " + match.actual() + ": " + Findings.domain(domain);
    }

    /**
     * The run in one line: the first domain that missed the expectation and how many others did,
     * or, when all met it, the single domain's line or a count.
     */
    public static String summary(ProbeReport report, Expectation expectation) {
        List<DomainResult> missed = report.domains().stream().filter(d -> !expectation.match(d).met()).toList();
        if (missed.isEmpty()) {
            int n = report.domains().size();
            return n == 1 ? domain(report.domains().get(0), expectation)
                    : "all " + n + " domains as expected (" + expectation.expected() + ")";
        }
        String line = domain(missed.get(0), expectation);
        return missed.size() > 1 ? line + " (and " + (missed.size() - 1) + " more not as expected)" : line;
    }
}
