package io.smtpprobe.cli;

import io.smtpprobe.core.Cidr;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.engine.EgressCheck;
import io.smtpprobe.engine.dane.TrustAnchors;
import io.smtpprobe.engine.dns.ResolverEndpoints;
import io.smtpprobe.engine.sts.CaBundle;
import io.smtpprobe.request.Durations;
import io.smtpprobe.request.Field;
import io.smtpprobe.request.InputValidator;
import io.smtpprobe.request.InvalidInputException;
import io.smtpprobe.request.InvalidRequestException;
import io.smtpprobe.request.ProbeInput;
import io.smtpprobe.request.RandomLocalPart;
import io.smtpprobe.request.RequestDefaults;
import io.smtpprobe.request.RequestValidator;
import io.smtpprobe.request.ValidatedRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command line of {@code check}. Picocli only splits it into options; every value is kept
 * as text and judged by the one {@link RequestValidator}, as REST bodies and SmtpProbe specs are.
 */
@Command(name = "smtp-probe check", customSynopsis = "smtp-probe check [OPTIONS] DOMAIN...",
        description = {"",
            "Looks up each DOMAIN's MX records and runs the SMTP dialogue a mail admin would type",
            "into telnet (EHLO, MAIL FROM, RCPT TO, optionally DATA, QUIT), then explains the replies.", ""},
        footer = {"", "Exit codes: 0 every domain accepted, 1 worst is transient (4xx, DNS SERVFAIL), 2 failure, 3 invalid input.",
            "With --expect, --expect-code or --expect-enhanced: 0 every domain as expected, 2 not, 3 invalid input."},
        sortOptions = false, usageHelpWidth = 110)
public final class CheckArguments {

    @Parameters(paramLabel = "DOMAIN", arity = "0..*", hidden = true)
    List<String> domains = new ArrayList<>();

    @Option(names = "--server", paramLabel = "HOST[:PORT]", description = "probe this server instead of the MX hosts (repeatable)")
    List<String> servers = new ArrayList<>();
    @Option(names = "--port", paramLabel = "N", description = "SMTP port (default 25; 465 with --tls implicit)")
    String port;
    @Option(names = "--dns-server", paramLabel = "HOST[:PORT]", description = "resolver to ask (repeatable; default: the system's)")
    List<String> dnsServers = new ArrayList<>();
    @Option(names = "--ehlo", paramLabel = "NAME", description = "EHLO name (default " + RequestDefaults.EHLO_NAME + ")")
    String ehlo;
    @Option(names = "--mail-from", paramLabel = "ADDR", description = "reverse path (default <>)")
    String mailFrom;
    @Option(names = "--rcpt-to", paramLabel = "ADDR", description = {"recipient (repeatable; default postmaster@DOMAIN);",
        "{random} in the local part is a fresh random token"})
    List<String> rcptTo = new ArrayList<>();
    @Option(names = "--notify", paramLabel = "LIST|never", description = {"DSN NOTIFY: success,failure,delay or never (default success,failure;",
        "sent only when the server advertises DSN)"})
    String notify;
    @Option(names = "--tls", paramLabel = "MODE", description = "opportunistic (default) | required | disabled | implicit")
    String tls;
    @Option(names = "--insecure", description = "with --tls required/implicit, accept a bad certificate")
    boolean insecure;
    @Option(names = "--data", description = "also send a test message (--subject TEXT, --body TEXT)")
    boolean data;
    @Option(names = "--subject", paramLabel = "TEXT", hidden = true)
    String subject;
    @Option(names = "--body", paramLabel = "TEXT", hidden = true)
    String body;
    @Option(names = "--connect-timeout", paramLabel = "DUR", description = "default 10s (DUR like 500ms, 10s, 2m)")
    String connectTimeout;
    @Option(names = "--command-timeout", paramLabel = "DUR", description = "per reply, default 30s")
    String commandTimeout;
    @Option(names = "--timeout", paramLabel = "DUR", description = "whole dialogue per server, default 2m (at most 30m)")
    String timeout;
    @Option(names = "--run-timeout", paramLabel = "DUR", description = {"the whole run, all domains and servers (at most 1h);",
        "default twice --timeout plus --greylist-retry"})
    String runTimeout;
    @Option(names = "--mx-policy", paramLabel = "POLICY", description = "preferred (default: stop at the first server that answers) | all")
    String mxPolicy;
    @Option(names = "--transport-security", paramLabel = "MODE", description = {
        "evaluate (default: judge MTA-STS, DANE and TLS-RPT; an enforced policy's failure fails the domain)",
        "| ignore"})
    String transportSecurity;
    @Option(names = "--dnssec-trust-anchors", paramLabel = "FILE", description = {
        "DS or DNSKEY records in zone-file form DANE's DNSSEC validation starts from",
        "(default: the IANA root keys), e.g. for a signed private zone"})
    String dnssecTrustAnchors;
    @Option(names = "--sts-ca-file", paramLabel = "FILE", description = {
        "PEM CA certificates MTA-STS policy hosts must chain to (default: the JVM's trust store)"})
    String stsCaFile;
    @Option(names = "--deny-network", paramLabel = "CIDR", description = "never connect into this network (repeatable; link-local is always denied)")
    List<String> deniedNetworks = new ArrayList<>();
    @Option(names = "--expect", paramLabel = "REASON[,REASON...]", description = {
        "healthy is any of these reasons, e.g. RecipientUnknown (no catch-all),",
        "RelayDenied (no open relay); the exit code follows it (repeatable)"})
    List<String> expect = new ArrayList<>();
    @Option(names = "--expect-code", paramLabel = "CODE", description = "healthy has this reply code, e.g. 550")
    String expectCode;
    @Option(names = "--expect-enhanced", paramLabel = "X.Y.Z", description = "healthy has this enhanced code, e.g. 5.1.1")
    String expectEnhanced;
    @Option(names = "--greylist-retry", paramLabel = "DUR", description = {"retry a greylisted server once after DUR, e.g. 5m",
        "(default 0s: off, so check never waits minutes unasked)"})
    String greylistRetry;
    @Option(names = "--egress-control", paramLabel = "HOST:PORT", description = {"a server known to answer: when a connection fails,",
        "it is tried too, and if it fails as well the reason is EgressBlocked"})
    String egressControl;
    @Option(names = "--auth-user", paramLabel = "USER", description = {"log in before MAIL FROM (AUTH PLAIN or LOGIN, over TLS only),",
        "as a mail client does at a submission service (587, or 465 with --tls implicit)"})
    String authUser;
    @Option(names = "--auth-password-file", paramLabel = "FILE", description = "the password: this file's content (one trailing newline dropped)")
    String authPasswordFile;
    @Option(names = "--auth-password-env", paramLabel = "VAR", description = {"the password: this environment variable's value",
        "(there is no option for the password itself: argv is visible to every user of the host)"})
    String authPasswordEnv;
    @Option(names = "--auth-mechanism", paramLabel = "MECH", description = "plain | login (default: PLAIN when offered, else LOGIN)")
    String authMechanism;
    @Option(names = "--auth-allow-plaintext", description = "also send AUTH without TLS (the password travels in clear)")
    boolean authAllowPlaintext;
    @Option(names = "--json", description = "one JSON document on stdout")
    boolean json;
    @Option(names = {"-h", "--help"}, usageHelp = true, hidden = true)
    boolean help;

    /**
     * What {@code check} runs: the validated request plus the options that only a local run may choose.
     *
     * @param daneTrustAnchors the checked content of {@code --dnssec-trust-anchors}; null: the root keys
     * @param stsTrust         the CAs of {@code --sts-ca-file}; null: the JVM's
     */
    public record Parsed(ProbeRequest request, Expectation expectation, List<String> dnsServers, List<Cidr> deniedNetworks,
            boolean json, EgressCheck.Settings egressControl, String daneTrustAnchors, TrustManagerFactory stsTrust) {
    }

    static CommandLine commandLine(CheckArguments arguments) {
        return new CommandLine(arguments)
                // A domain such as @/etc/passwd is a domain, never a file of arguments to read.
                .setExpandAtFiles(false)
                // As with most tools, a repeated single-valued option takes its last value.
                .setOverwrittenOptionsAllowed(true)
                // "-bad.test" is a malformed DOMAIN, as in a REST body or a spec; "--frobnicate" is
                // an unknown option, and parse() says so.
                .setUnmatchedOptionsArePositionalParams(true);
    }

    /** Parses and validates; {@code null} means help was asked for. Errors name the option as the user typed it. */
    public static Parsed parse(String[] args) {
        var arguments = new CheckArguments();
        try {
            commandLine(arguments).parseArgs(args);
        } catch (CommandLine.MissingParameterException e) {
            String name = e.getMissing().isEmpty() || !(e.getMissing().get(0) instanceof CommandLine.Model.OptionSpec o)
                    ? "DOMAIN" : o.longestName();
            throw new InvalidInputException(name, "missing value");
        } catch (CommandLine.ParameterException e) {
            // e.g. a value given to a flag (--json=yes)
            String name = e.getArgSpec() instanceof CommandLine.Model.OptionSpec o ? o.longestName() : "DOMAIN";
            throw new InvalidInputException(name, InputValidator.printable(e.getMessage()));
        }
        for (String domain : arguments.domains) {
            if (domain.startsWith("--")) {
                int eq = domain.indexOf('=');
                throw new InvalidInputException(InputValidator.printable(eq > 0 ? domain.substring(0, eq) : domain),
                        "unknown option (see --help)");
            }
        }
        return arguments.help ? null : arguments.validated();
    }

    private Parsed validated() {
        List<String> resolvers = new ArrayList<>();
        for (String server : dnsServers) {
            InputValidator.rejectControl("--dns-server", server);
            try {
                // An address, not a name: finding the resolver must not itself need DNS.
                ResolverEndpoints.parse(server.trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--dns-server", e.getMessage());
            }
            resolvers.add(server.trim());
        }
        List<Cidr> denied = new ArrayList<>();
        for (String network : deniedNetworks) {
            InputValidator.rejectControl("--deny-network", network);
            try {
                denied.add(Cidr.parse(network));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException("--deny-network", e.getMessage());
            }
        }
        ValidatedRequest validated = RequestValidator.validateExpecting(input(), RequestDefaults.CHECK);
        ProbeRequest request = validated.request();
        if (greylistRetry != null) {
            InputValidator.rejectControl("--greylist-retry", greylistRetry);
            request = request.withGreylistRetry(Durations.parseOrOff("--greylist-retry", greylistRetry.trim()));
        }
        return new Parsed(request, validated.expectation(), resolvers, denied, json, egressControl(request),
                file("--dnssec-trust-anchors", dnssecTrustAnchors, TrustAnchors::read),
                file("--sts-ca-file", stsCaFile, CaBundle::read));
    }

    /** A settings file read now, so a bad one is a usage error naming the option, not a failure mid-run. */
    private static <T> T file(String option, String path, Function<Path, T> reader) {
        if (path == null) {
            return null;
        }
        InputValidator.rejectControl(option, path);
        try {
            return reader.apply(Path.of(path));
        } catch (IllegalArgumentException e) {
            // InvalidPathException is one too
            throw new InvalidInputException(option, InputValidator.printable(e.getMessage()));
        }
    }

    /** The user's own control target; like every --server it is a telnet of the user's, so no policy applies. */
    private EgressCheck.Settings egressControl(ProbeRequest request) {
        if (egressControl == null) {
            return null;
        }
        HostPort target = InputValidator.server("--egress-control", egressControl.trim());
        if (target.port() == null) {
            throw new InvalidInputException("--egress-control", "needs a port, e.g. mx.example.test:25");
        }
        return EgressCheck.Settings.forCheck(target, request.options().timeouts().connect().plus(request.options().timeouts().command()));
    }

    ProbeInput input() {
        var input = new ProbeInput()
                .addAll(Field.DOMAINS, domains)
                .addAll(Field.SERVER, servers)
                .addAll(Field.RCPT_TO, rcptTo.stream().map(RandomLocalPart::fill).toList())
                .addAll(Field.EXPECT, expect);
        addIfSet(input, Field.PORT, port);
        addIfSet(input, Field.EHLO, ehlo);
        addIfSet(input, Field.MAIL_FROM, mailFrom);
        addIfSet(input, Field.NOTIFY, notify);
        addIfSet(input, Field.TLS, tls);
        addIfSet(input, Field.SUBJECT, subject);
        addIfSet(input, Field.BODY, body);
        addIfSet(input, Field.CONNECT_TIMEOUT, connectTimeout);
        addIfSet(input, Field.COMMAND_TIMEOUT, commandTimeout);
        addIfSet(input, Field.TIMEOUT, timeout);
        addIfSet(input, Field.RUN_TIMEOUT, runTimeout);
        addIfSet(input, Field.MX_POLICY, mxPolicy);
        addIfSet(input, Field.TRANSPORT_SECURITY, transportSecurity);
        addIfSet(input, Field.EXPECT_CODE, expectCode);
        addIfSet(input, Field.EXPECT_ENHANCED, expectEnhanced);
        if (insecure) {
            input.add(Field.INSECURE, "true");
        }
        if (data) {
            input.add(Field.DATA, "true");
        }
        addIfSet(input, Field.AUTH_USER, authUser);
        addIfSet(input, Field.AUTH_PASSWORD, PasswordSource.read(authPasswordFile, authPasswordEnv, System::getenv));
        addIfSet(input, Field.AUTH_MECHANISM, authMechanism);
        if (authAllowPlaintext) {
            input.add(Field.AUTH_ALLOW_PLAINTEXT, "true");
        }
        if ((authMechanism != null || authAllowPlaintext) && authUser == null) {
            throw new InvalidInputException("--auth-user", "required with --auth-mechanism and --auth-allow-plaintext");
        }
        return input;
    }

    /** How the command line names a field. */
    static String optionName(Field field) {
        if (field == Field.AUTH_PASSWORD) {
            return "--auth-password-file or --auth-password-env";
        }
        return field == Field.DOMAINS ? "DOMAIN" : "--" + field.key();
    }

    /** Every problem, one line each, as {@code check} prints them. */
    static List<String> messages(InvalidRequestException e) {
        return e.render(CheckArguments::optionName);
    }

    static String usage() {
        return commandLine(new CheckArguments()).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static void addIfSet(ProbeInput input, Field field, String value) {
        if (value != null) {
            input.add(field, value);
        }
    }
}
