package io.smtpprobe.cli;

import io.smtpprobe.engine.dns.ResolverEndpoints;
import io.smtpprobe.core.Cidr;
import io.smtpprobe.request.Durations;
import io.smtpprobe.request.InputValidator;
import io.smtpprobe.request.InvalidInputException;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.Notify;
import io.smtpprobe.core.TlsMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The parsed and validated command line of {@code check}; every error names its option. */
public final class CheckArguments {
    public static final String DEFAULT_EHLO = "smtp-probe.invalid";

    final List<String> domains = new ArrayList<>();
    final List<String> servers = new ArrayList<>();
    final List<String> dnsServers = new ArrayList<>();
    final List<String> rcptTo = new ArrayList<>();
    final List<Cidr> deniedNetworks = new ArrayList<>();
    int port = 25;
    String ehlo = DEFAULT_EHLO;
    String mailFrom = "";
    Set<Notify> notify = EnumSet.of(Notify.SUCCESS, Notify.FAILURE);
    TlsMode tls = TlsMode.Opportunistic;
    boolean insecure;
    boolean data;
    String subject = "SMTP probe";
    String body = "This is a test message from smtp-probe.\n";
    Duration connectTimeout = Duration.ofSeconds(10);
    Duration commandTimeout = Duration.ofSeconds(30);
    Duration totalTimeout = Duration.ofSeconds(120);
    MxPolicy mxPolicy = MxPolicy.Preferred;
    boolean json;
    boolean help;

    private boolean portGiven;

    public static CheckArguments parse(String[] args) {
        CheckArguments a = new CheckArguments();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                a.domains.add(InputValidator.domain("DOMAIN", arg));
                continue;
            }
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            switch (name) {
                case "--json" -> a.json = true;
                case "--insecure" -> a.insecure = true;
                case "--data" -> a.data = true;
                case "--help", "-h" -> a.help = true;
                default -> {
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new InvalidInputException(name, "missing value");
                        }
                        value = args[++i];
                    }
                    a.set(name, value);
                }
            }
        }
        a.check();
        return a;
    }

    private void set(String name, String v) {
        switch (name) {
            case "--server" -> {
                InputValidator.server(name, v);
                servers.add(v.trim());
            }
            case "--port" -> {
                port = InputValidator.port(name, v);
                portGiven = true;
            }
            case "--dns-server" -> {
                InputValidator.rejectControl(name, v);
                try {
                    // An address, not a name: finding the resolver must not itself need DNS.
                    ResolverEndpoints.parse(v.trim());
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException(name, e.getMessage());
                }
                dnsServers.add(v.trim());
            }
            case "--ehlo" -> ehlo = InputValidator.ehloName(name, v);
            case "--mail-from" -> mailFrom = InputValidator.reversePath(name, v);
            case "--rcpt-to" -> rcptTo.add(InputValidator.address(name, v));
            case "--notify" -> notify = notify(name, v);
            case "--tls" -> tls = enumValue(name, v, TlsMode.class);
            case "--mx-policy" -> mxPolicy = enumValue(name, v, MxPolicy.class);
            case "--subject" -> subject = InputValidator.line(name, v);
            case "--body" -> body = InputValidator.body(name, v);
            case "--connect-timeout" -> connectTimeout = Durations.parse(name, v);
            case "--command-timeout" -> commandTimeout = Durations.parse(name, v);
            case "--timeout" -> totalTimeout = Durations.parse(name, v);
            case "--deny-network" -> {
                try {
                    deniedNetworks.add(Cidr.parse(v));
                } catch (IllegalArgumentException e) {
                    throw new InvalidInputException(name, e.getMessage());
                }
            }
            default -> throw new InvalidInputException(name, "unknown option (see --help)");
        }
    }

    private void check() {
        if (help) {
            return;
        }
        if (domains.isEmpty() && servers.isEmpty()) {
            throw new InvalidInputException("DOMAIN", "name at least one domain, or --server");
        }
        if (domains.isEmpty() && rcptTo.isEmpty()) {
            throw new InvalidInputException("--rcpt-to", "required when no DOMAIN is given");
        }
        if (tls == TlsMode.Implicit && !portGiven && servers.stream().noneMatch(s -> s.matches(".*:\\d+$"))) {
            port = 465;
        }
    }

    static Set<Notify> notify(String field, String value) {
        Set<Notify> out = EnumSet.noneOf(Notify.class);
        for (String part : value.split(",")) {
            out.add(enumValue(field, part, Notify.class));
        }
        if (out.contains(Notify.NEVER) && out.size() > 1) {
            throw new InvalidInputException(field, "NEVER cannot be combined with other values");
        }
        return out;
    }

    static <E extends Enum<E>> E enumValue(String field, String value, Class<E> type) {
        InputValidator.rejectControl(field, value);
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(value.trim().toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw new InvalidInputException(field, "invalid value '" + InputValidator.printable(value)
                + "' (one of " + String.join(", ", allowed) + ")");
    }

    MessageContent message() {
        return data ? new MessageContent(subject, body) : null;
    }

    static final String USAGE = """
            Usage: smtp-probe check [OPTIONS] DOMAIN...

            Looks up each DOMAIN's MX records and runs the SMTP dialogue a mail admin would type
            into telnet (EHLO, MAIL FROM, RCPT TO, optionally DATA, QUIT), then explains the replies.

              --server HOST[:PORT]      probe this server instead of the MX hosts (repeatable)
              --port N                  SMTP port (default 25; 465 with --tls implicit)
              --dns-server HOST[:PORT]  resolver to ask (repeatable; default: the system's)
              --ehlo NAME               EHLO name (default smtp-probe.invalid)
              --mail-from ADDR          reverse path (default <>)
              --rcpt-to ADDR            recipient (repeatable; default postmaster@DOMAIN)
              --notify LIST|never       DSN NOTIFY: success,failure,delay or never (default success,failure;
                                        sent only when the server advertises DSN)
              --tls MODE                opportunistic (default) | required | disabled | implicit
              --insecure                with --tls required/implicit, accept a bad certificate
              --data                    also send a test message (--subject TEXT, --body TEXT)
              --connect-timeout DUR     default 10s (DUR like 500ms, 10s, 2m)
              --command-timeout DUR     per reply, default 30s
              --timeout DUR             whole dialogue per server, default 2m
              --mx-policy POLICY        preferred (default: stop at the first server that answers) | all
              --deny-network CIDR       never connect into this network (repeatable; link-local is always denied)
              --json                    one JSON document on stdout

            Exit codes: 0 every domain accepted, 1 worst is a transient 4xx, 2 failure, 3 invalid input.
            """;
}
