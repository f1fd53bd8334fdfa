package io.smtpprobe.operator.page;

import io.quarkus.qute.TemplateData;
import java.util.List;

/** What the templates read: plain values, already worded, so that templates hold no logic beyond loops. */
final class Views {
    private Views() {
    }

    /** One resource in the overview. */
    @TemplateData
    record ProbeRow(String namespace, String name, String result, String reason, Mark mark, String ready, String lastProbeTime,
            Integer consecutiveFailures, Integer flaps, String message, String detailPath, List<HistoryCell> history) {
    }

    /** One probe of the history strip; {@code flap} marks a Ready that differs from the probe before it. */
    @TemplateData
    record HistoryCell(String time, String result, String reason, Mark mark, boolean flap, String latency) {
    }

    /** One domain row of the matrix: its verdict, then one cell per MX host column. */
    @TemplateData
    record MatrixRow(String domain, String result, String reason, Mark mark, String message, String expected, String actual,
            boolean unreached, List<MatrixCell> cells) {
    }

    /**
     * What one MX host said to this domain's probe: the deciding reply (code, enhanced code, stage) and
     * TLS facts. {@code probed} is false for an MX host the policy did not need to try (Preferred stops
     * at the first verdict) and for a column beyond this domain's MX list.
     */
    @TemplateData
    record MatrixCell(boolean present, boolean probed, String host, Integer preference, Mark mark, List<ServerCell> servers) {
    }

    @TemplateData
    record ServerCell(String address, Integer port, String stage, Integer code, String enhancedCode, String replyClass,
            String reason, Mark mark, String text, TlsFacts tls) {

        /**
         * Where the deciding reply came: the stage a failure stopped at. An accepted dialogue reaches
         * QUIT, but its deciding reply is the last acceptance, so "at Quit" would mislead.
         */
        public String stageLabel() {
            if (stage == null) {
                return null;
            }
            return "Quit".equals(stage) && "Accepted".equals(reason) ? "dialogue completed" : "at " + stage;
        }
    }

    @TemplateData
    record TlsFacts(String protocol, String cipher, Mark trust, String trustLabel, Mark hostname, String hostnameLabel,
            String notAfter, Long daysRemaining, String subject) {
    }

    /** The latest dialogue with one server, from the replica's memory: server text is sanitised, the template escapes it. */
    @TemplateData
    record Transcript(String domain, String host, String address, Integer port, String reason, List<Line> lines, boolean truncated) {
    }

    @TemplateData
    record Line(String css, String text) {
    }

    @TemplateData
    record Choice(String value, String label, boolean selected) {
    }
}
