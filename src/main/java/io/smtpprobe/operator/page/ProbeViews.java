package io.smtpprobe.operator.page;

import io.smtpprobe.api.v1alpha1.DomainStatus;
import io.smtpprobe.api.v1alpha1.HistoryEntry;
import io.smtpprobe.api.v1alpha1.ServerStatus;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.TranscriptLine;
import io.smtpprobe.operator.page.Views.HistoryCell;
import io.smtpprobe.operator.page.Views.Line;
import io.smtpprobe.operator.page.Views.MatrixCell;
import io.smtpprobe.operator.page.Views.MatrixRow;
import io.smtpprobe.operator.page.Views.ProbeRow;
import io.smtpprobe.operator.page.Views.ServerCell;
import io.smtpprobe.operator.page.Views.TlsFacts;
import io.smtpprobe.operator.page.Views.Transcript;
import io.smtpprobe.operator.status.Conditions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * Turns what {@code .status} holds (and, for transcripts, the replica's last report) into the page's
 * views. Pure: the same resource gives the same view, so it is tested without a browser.
 */
final class ProbeViews {
    /** Columns of the matrix: the status keeps at most 10 MX hosts per domain. */
    static final int MAX_COLUMNS = 10;

    private ProbeViews() {
    }

    static ProbeRow row(SmtpProbe probe) {
        var status = probe.getStatus() == null ? SmtpProbeStatus.builder().build() : probe.getStatus();
        String namespace = probe.getMetadata().getNamespace();
        String name = probe.getMetadata().getName();
        String ready = status.conditions() == null ? null
                : Conditions.find(status.conditions(), Conditions.READY).map(c -> c.getStatus()).orElse(null);
        return new ProbeRow(namespace, name, status.result() == null ? null : status.result().name(), status.reason(),
                Mark.of(status.result()), ready, status.lastProbeTime(), status.consecutiveFailures(), status.flaps(),
                status.message(), detailPath(namespace, name), history(status.history()));
    }

    static String detailPath(String namespace, String name) {
        return "/probes/" + encode(namespace) + "/" + encode(name);
    }

    static List<HistoryCell> history(List<HistoryEntry> entries) {
        if (entries == null) {
            return List.of();
        }
        var cells = new ArrayList<HistoryCell>();
        for (int i = 0; i < entries.size(); i++) {
            var e = entries.get(i);
            boolean flap = i > 0 && !Objects.equals(entries.get(i - 1).ready(), e.ready());
            cells.add(new HistoryCell(e.time(), e.result() == null ? null : e.result().name(), e.reason(),
                    Mark.ready(e.ready(), e.result()), flap, e.latencyMs() == null ? null : e.latencyMs() + " ms"));
        }
        return cells;
    }

    /** As many MX columns as the domain with the most MX hosts (or servers, when probed by address) needs. */
    static int columns(List<DomainStatus> domains) {
        int widest = 1;
        for (var d : domains) {
            widest = Math.max(widest, hosts(d).size());
        }
        return Math.min(widest, MAX_COLUMNS);
    }

    static List<MatrixRow> matrix(List<DomainStatus> domains, int columns) {
        var rows = new ArrayList<MatrixRow>();
        for (var d : domains) {
            var hosts = hosts(d);
            var cells = new ArrayList<MatrixCell>();
            for (int i = 0; i < columns; i++) {
                if (i >= hosts.size()) {
                    cells.add(new MatrixCell(false, false, null, null, Mark.NONE, List.of()));
                    continue;
                }
                String host = hosts.get(i);
                var servers = servers(d).stream().filter(s -> host.equals(s.host())).map(ProbeViews::server).toList();
                cells.add(new MatrixCell(true, !servers.isEmpty(), host, preference(d, host),
                        servers.isEmpty() ? Mark.NONE : servers.get(servers.size() - 1).mark(), servers));
            }
            rows.add(new MatrixRow(d.domain(), d.result() == null ? null : d.result().name(), d.reason(), Mark.of(d.result()),
                    d.message(), d.expected(), d.actual(), cells.stream().noneMatch(MatrixCell::probed), cells));
        }
        return rows;
    }

    /** The MX hosts in preference order, then any server host not among them (a spec that names servers). */
    private static List<String> hosts(DomainStatus d) {
        var hosts = new LinkedHashSet<String>();
        if (d.mx() != null) {
            d.mx().forEach(m -> hosts.add(m.host()));
        }
        servers(d).forEach(s -> hosts.add(s.host()));
        hosts.remove(null);
        return List.copyOf(hosts);
    }

    private static Integer preference(DomainStatus d, String host) {
        if (d.mx() != null) {
            for (var m : d.mx()) {
                if (host.equals(m.host())) {
                    return m.preference();
                }
            }
        }
        return null;
    }

    private static List<ServerStatus> servers(DomainStatus d) {
        return d.servers() == null ? List.of() : d.servers();
    }

    static ServerCell server(ServerStatus s) {
        var reply = s.reply();
        var replyClass = reply == null ? null : reply.replyClass();
        return new ServerCell(s.address(), s.port(), s.stage() == null ? null : s.stage().name(),
                reply == null ? null : reply.code(), reply == null ? null : reply.enhancedCode(),
                replyClass == null ? null : replyClass.name(), s.reason(), Mark.of(replyClass),
                reply == null ? null : reply.text(), tls(s.tls()));
    }

    private static TlsFacts tls(ServerStatus.TlsStatus tls) {
        if (tls == null) {
            return null;
        }
        var c = tls.certificate();
        return new TlsFacts(tls.protocol(), tls.cipher(),
                yesNo(tls.trusted()), tls.trusted() == null ? "trust unknown" : tls.trusted() ? "trusted chain" : "untrusted chain",
                yesNo(tls.hostnameMatch()), tls.hostnameMatch() == null ? "name not checked"
                        : tls.hostnameMatch() ? "name matches" : "name does not match",
                c == null ? null : c.notAfter(), c == null ? null : c.daysRemaining(), c == null ? null : c.subject());
    }

    private static Mark yesNo(Boolean value) {
        return value == null ? Mark.NONE : value ? Mark.OK : Mark.FAIL;
    }

    /** Every server's last dialogue in the report, in domain order. */
    static List<Transcript> transcripts(ProbeReport report) {
        if (report == null) {
            return List.of();
        }
        var transcripts = new ArrayList<Transcript>();
        for (var d : report.domains()) {
            for (var s : d.servers()) {
                var lines = s.transcript() == null ? List.<TranscriptLine>of() : s.transcript();
                transcripts.add(new Transcript(d.domain(), s.host(), s.address(), s.port(),
                        s.reason() == null ? null : s.reason().name(),
                        lines.stream().map(l -> new Line(l.direction().name().toLowerCase(java.util.Locale.ROOT), l.toString())).toList(),
                        lines.stream().anyMatch(l -> l.text().startsWith("transcript truncated"))));
            }
        }
        return transcripts;
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
