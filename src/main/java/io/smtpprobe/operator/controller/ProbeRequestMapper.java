package io.smtpprobe.operator.controller;

import io.smtpprobe.api.v1alpha1.MessageData;
import io.smtpprobe.api.v1alpha1.ProbeTimeouts;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.api.v1alpha1.WireText;
import io.smtpprobe.operator.mapping.CrdEnums;
import io.smtpprobe.request.Durations;
import io.smtpprobe.request.InputValidator;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.Notify;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import java.net.IDN;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns a spec into a probe request, re-checking everything the CRD schema checks: the schema can
 * be bypassed (an older CRD, a server without CEL) and these strings end up on an SMTP command
 * line, where a CR or LF would let a resource author inject commands.
 */
public final class ProbeRequestMapper {
    static final int MAX_DOMAINS = 100;
    static final int MAX_SERVERS = 100;
    static final int MAX_RECIPIENTS = 10;
    private static final Pattern SINGLE_LINE = Pattern.compile(WireText.SINGLE_LINE);
    private static final Pattern MULTI_LINE = Pattern.compile(WireText.MULTI_LINE);
    private static final Pattern DOMAIN = Pattern.compile(WireText.DOMAIN);
    private static final Pattern SERVER = Pattern.compile(WireText.SERVER);
    /** Angle brackets and spaces would break out of the path syntax of MAIL FROM and RCPT TO. */
    private static final Pattern MAILBOX = Pattern.compile("^[^\\s<>\\x00-\\x1f\\x7f]+@[^\\s<>@\\x00-\\x1f\\x7f]+$");
    private static final Pattern HELO_NAME = Pattern.compile("^[^\\s\\x00-\\x1f\\x7f]+$");

    private final String defaultEhloName;
    private final String defaultMailFrom;
    private final Duration minInterval;

    public ProbeRequestMapper(String defaultEhloName, String defaultMailFrom, Duration minInterval) {
        this.defaultEhloName = defaultEhloName;
        this.defaultMailFrom = defaultMailFrom;
        this.minInterval = minInterval;
    }

    public ProbePlan map(SmtpProbeSpec spec) throws InvalidSpecException {
        var problems = new ArrayList<String>();
        if (spec == null) {
            throw new InvalidSpecException(List.of("spec: is required"));
        }
        var domains = listOf(spec.getDomains());
        var servers = listOf(spec.getServers());
        if (domains.isEmpty() && servers.isEmpty()) {
            problems.add("spec.domains or spec.servers: at least one is required");
        }
        var asciiDomains = checkDomains(domains, problems);
        checkServers(servers, problems);

        int port = spec.getPort() == null ? 25 : spec.getPort();
        if (port < 1 || port > 65535) {
            problems.add("spec.port: " + port + " is not between 1 and 65535");
        }
        String ehloName = orDefault(spec.getEhloName(), defaultEhloName);
        check("spec.ehloName", ehloName, HELO_NAME, "must be one word without control characters", problems);
        String mailFrom = orDefault(spec.getMailFrom(), defaultMailFrom);
        if (!mailFrom.isEmpty()) {
            check("spec.mailFrom", mailFrom, MAILBOX, "must be empty or LOCAL@DOMAIN without spaces, angle brackets or control characters", problems);
        }
        var rcptTo = listOf(spec.getRcptTo());
        if (rcptTo.size() > MAX_RECIPIENTS) {
            problems.add("spec.rcptTo: at most " + MAX_RECIPIENTS + " recipients, got " + rcptTo.size());
        }
        for (int i = 0; i < rcptTo.size(); i++) {
            check("spec.rcptTo[" + i + "]", rcptTo.get(i), MAILBOX, "must be LOCAL@DOMAIN without spaces, angle brackets or control characters", problems);
        }
        var notify = listOf(CrdEnums.toCore(spec.getNotify()));
        if (notify.stream().anyMatch(Objects::isNull)) {
            problems.add("spec.notify: must be SUCCESS, FAILURE, DELAY or NEVER");
        } else if (notify.contains(Notify.NEVER) && EnumSet.copyOf(notify).size() > 1) {
            problems.add("spec.notify: NEVER excludes SUCCESS, FAILURE and DELAY");
        }
        MessageContent data = checkData(spec.getData(), problems);
        Duration interval = duration("spec.interval", orDefault(spec.getInterval(), "5m"), problems);
        if (interval != null && interval.compareTo(minInterval) < 0) {
            problems.add("spec.interval: " + spec.getInterval() + " is shorter than the minimum " + minInterval.toSeconds() + "s");
        }
        Timeouts timeouts = checkTimeouts(spec.getTimeouts(), problems);

        if (!problems.isEmpty()) {
            throw new InvalidSpecException(problems);
        }
        var options = new ProbeOptions(ehloName, mailFrom, rcptTo,
                notify.isEmpty() ? EnumSet.noneOf(Notify.class) : EnumSet.copyOf(notify),
                Objects.requireNonNullElse(CrdEnums.toCore(spec.getTls()), TlsMode.Opportunistic),
                Boolean.TRUE.equals(spec.getInsecureSkipVerify()),
                data, timeouts, Limits.DEFAULT);
        var request = new ProbeRequest(asciiDomains, servers, port,
                Objects.requireNonNullElse(CrdEnums.toCore(spec.getMxPolicy()), MxPolicy.Preferred), options);
        return new ProbePlan(request, interval);
    }

    /** Internationalised names go to DNS in their ASCII (punycode) form. */
    private static List<String> checkDomains(List<String> domains, List<String> problems) {
        if (domains.size() > MAX_DOMAINS) {
            problems.add("spec.domains: at most " + MAX_DOMAINS + " domains, got " + domains.size());
        }
        var ascii = new ArrayList<String>();
        for (int i = 0; i < domains.size(); i++) {
            String field = "spec.domains[" + i + "]";
            String domain = domains.get(i);
            if (!check(field, domain, DOMAIN, "is not a DNS name", problems)) {
                continue;
            }
            try {
                String name = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(java.util.Locale.ROOT);
                if (name.endsWith(".")) {
                    name = name.substring(0, name.length() - 1);
                }
                if (name.length() > 253) {
                    problems.add(field + ": longer than 253 characters in ASCII form");
                } else {
                    ascii.add(name);
                }
            } catch (IllegalArgumentException e) {
                problems.add(field + ": '" + InputValidator.printable(domain) + "' is not a valid internationalised name");
            }
        }
        return ascii;
    }

    private static void checkServers(List<String> servers, List<String> problems) {
        if (servers.size() > MAX_SERVERS) {
            problems.add("spec.servers: at most " + MAX_SERVERS + " servers, got " + servers.size());
        }
        for (int i = 0; i < servers.size(); i++) {
            String field = "spec.servers[" + i + "]";
            String server = servers.get(i);
            if (!check(field, server, SERVER, "must be HOST, HOST:PORT or [IPV6]:PORT", problems)) {
                continue;
            }
            int colon = server.lastIndexOf(':');
            if (colon > server.lastIndexOf(']')) {
                int port = Integer.parseInt(server.substring(colon + 1));
                if (port < 1 || port > 65535) {
                    problems.add(field + ": port " + port + " is not between 1 and 65535");
                }
            }
        }
    }

    private static MessageContent checkData(MessageData data, List<String> problems) {
        if (data == null) {
            return null;
        }
        String subject = Objects.requireNonNullElse(data.getSubject(), "");
        String body = Objects.requireNonNullElse(data.getBody(), "");
        check("spec.data.subject", subject, SINGLE_LINE, "must be one line without control characters", problems);
        check("spec.data.body", body, MULTI_LINE, "must not contain control characters other than line breaks and tabs", problems);
        return new MessageContent(subject, body);
    }

    private static Timeouts checkTimeouts(ProbeTimeouts timeouts, List<String> problems) {
        var defaults = Timeouts.DEFAULT;
        if (timeouts == null) {
            return defaults;
        }
        Duration connect = timeout("spec.timeouts.connect", timeouts.getConnect(), defaults.connect(), problems);
        Duration command = timeout("spec.timeouts.command", timeouts.getCommand(), defaults.command(), problems);
        Duration total = timeout("spec.timeouts.total", timeouts.getTotal(), defaults.total(), problems);
        return new Timeouts(connect, command, total);
    }

    private static Duration timeout(String field, String text, Duration fallback, List<String> problems) {
        return text == null ? fallback : duration(field, text, problems);
    }

    /** The message names the field and quotes the value with its control characters escaped. */
    private static Duration duration(String field, String text, List<String> problems) {
        try {
            return Durations.parse(field, text);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }

    private static boolean check(String field, String value, Pattern pattern, String rule, List<String> problems) {
        if (value == null || !pattern.matcher(value).matches()) {
            problems.add(field + ": '" + InputValidator.printable(value) + "' " + rule);
            return false;
        }
        return true;
    }

    private static <T> List<T> listOf(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static String orDefault(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
