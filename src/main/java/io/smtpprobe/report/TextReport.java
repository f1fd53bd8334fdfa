package io.smtpprobe.report;

import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.TlsInfo;
import io.smtpprobe.core.TranscriptLine;
import java.io.PrintStream;
import java.net.InetAddress;
import java.util.stream.Collectors;

/** Prints a run the way a mail admin's telnet session looks, then a verdict with likely causes. */
public final class TextReport {
    private TextReport() {
    }

    public static void print(ProbeReport report, PrintStream out) {
        print(report, Expectation.NONE, out);
    }

    /** With an expectation, each domain's summary says expected and got, and the last line whether all met it. */
    public static void print(ProbeReport report, Expectation expectation, PrintStream out) {
        for (DomainResult d : report.domains()) {
            out.println("=== " + d.domain());
            if (!d.mx().isEmpty()) {
                out.println("MX records:");
                for (MxHost h : d.mx()) {
                    String addrs = h.addresses().stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
                    out.printf("  %3d %s%s  [%s]%n", h.preference(), h.host(), h.implicit() ? " (implicit: no MX, A/AAAA of the domain)" : "",
                            addrs.isEmpty() ? "no address" : addrs);
                }
            }
            for (ServerResult s : d.servers()) {
                out.println();
                out.printf("--- %s%s%n", s.host(), s.address() == null ? "" : " [" + s.address() + "]:" + s.port());
                for (TranscriptLine line : s.transcript()) {
                    out.println(line.asTelnet());
                }
            }
            out.println();
        }
        out.println("=== Summary");
        for (String warning : report.warnings()) {
            out.println("warning: " + warning);
        }
        for (DomainResult d : report.domains()) {
            out.printf("%s: %s (%s)%n", d.domain(), d.result(), d.reason());
            out.println("  " + Findings.domain(d));
            if (expectation.isSet()) {
                Expectation.Match match = expectation.match(d);
                out.printf("  expected %s, got %s: %s%n", match.expected(), match.actual(), match.met() ? "as expected" : "NOT as expected");
            }
            if (d.transportSecurity() != null) {
                out.println("  transport security: " + Findings.transportSecurity(d.transportSecurity()));
                if (!d.transportSecurity().rua().isEmpty()) {
                    out.println("  TLS-RPT reports go to " + String.join(", ", d.transportSecurity().rua()) + " (none sent)");
                }
            }
            if (d.servers().isEmpty() && d.detail() != null) {
                out.println("  " + d.reason().explanation());
            }
            for (ServerResult s : d.servers()) {
                Reply r = s.reply();
                out.printf("  %-28s %-9s %-24s %s%n",
                        s.host() + (s.address() == null ? "" : " " + s.address() + ":" + s.port()),
                        s.stage(), s.reason(),
                        r == null ? (s.detail() == null ? "" : s.detail()) : r.code() + " " + r.text());
                if (s.reason() != io.smtpprobe.core.Reason.Accepted) {
                    out.println("      " + s.reason().explanation());
                }
                if (!s.dsnSupported() && s.stage().ordinal() >= io.smtpprobe.core.Stage.RcptTo.ordinal()) {
                    out.println("      (server does not advertise DSN: NOTIFY was not sent)");
                }
                TlsInfo tls = s.tls();
                if (tls != null && tls.certificate() != null) {
                    out.printf("      TLS %s %s, certificate %s, expires %s (%d days), trusted=%s, hostname match=%s%n",
                            tls.protocol(), tls.cipher(), tls.certificate().subject(), tls.certificate().notAfter(),
                            tls.certificate().daysRemaining(), tls.trusted(), tls.hostnameMatch());
                }
                if (s.dane() != null) {
                    out.println("      DANE " + s.dane().status()
                            + (s.dane().detail() == null ? "" : ": " + ServerText.cap(s.dane().detail(), 200)));
                }
                if (s.queueId() != null) {
                    out.println("      queued as " + s.queueId());
                }
            }
        }
        if (!report.notFinished().isEmpty()) {
            out.println("Not finished: " + report.notFinished().stream().map(DomainResult::domain).collect(Collectors.joining(", "))
                    + " (" + report.notFinished().get(0).detail() + ")");
        }
        if (report.truncated()) {
            out.println("Truncated: some transcripts were cut to the report's budget (marked '* transcript truncated'); verdicts are whole");
        }
        out.printf("Result: %s (%s)%n", report.result(), report.reason());
        if (expectation.isSet()) {
            out.printf("Expectation: %s (expected %s)%n", expectation.metBy(report) ? "met" : "NOT met", expectation.expected());
        }
    }
}
