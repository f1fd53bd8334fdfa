package io.smtpprobe.cli;

import io.smtpprobe.report.TextReport;
import io.smtpprobe.engine.dns.DnsSettings;
import io.smtpprobe.core.Cidr;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.engine.ProbeEngine;
import io.smtpprobe.engine.EgressPolicy;
import io.smtpprobe.engine.HostLimiter;
import io.smtpprobe.engine.dane.DaneSettings;
import io.smtpprobe.engine.sts.StsSettings;
import io.smtpprobe.request.InvalidInputException;
import io.smtpprobe.request.InvalidRequestException;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.report.ReportJson;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** {@code check}: one run of the probe from a terminal, with exit codes as monitoring plugins use them. */
public final class CheckCommand {
    public static final int EXIT_OK = 0;
    public static final int EXIT_TRANSIENT = 1;
    public static final int EXIT_FAILED = 2;
    public static final int EXIT_USAGE = 3;

    /** One connection per server at a time, as a single telnet user would. */
    private static final int PER_HOST_LIMIT = 1;

    /** Beyond the run deadline and the engine's grace for the dialogues it cut short. */
    private static final Duration BUG_GUARD = Duration.ofSeconds(30);

    private CheckCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, StsSettings.defaults());
    }

    /**
     * @param sts where MTA-STS policies are fetched and which CAs they must chain to: other than the
     *            defaults only in tests; {@code --sts-ca-file} replaces its CAs
     */
    public static int run(String[] args, PrintStream out, PrintStream err, StsSettings sts) {
        CheckArguments.Parsed a;
        try {
            a = CheckArguments.parse(args);
        } catch (InvalidInputException e) {
            return usageError(err, List.of(e.getMessage()));
        } catch (InvalidRequestException e) {
            return usageError(err, CheckArguments.messages(e));
        }
        if (a == null) {
            out.print(CheckArguments.usage());
            return EXIT_OK;
        }
        Vertx vertx = Vertx.vertx();
        try {
            DnsSettings dns = DnsSettings.defaults().withServers(a.dnsServers());
            StsSettings stsSettings = a.stsTrust() == null ? sts : sts.withTrust(a.stsTrust());
            String anchors = a.daneTrustAnchors() == null ? DaneSettings.ROOT_TRUST_ANCHORS : a.daneTrustAnchors();
            ProbeReport report = ProbeEngine.create(vertx, dns, policy(a.deniedNetworks()), new HostLimiter(PER_HOST_LIMIT),
                            Clock.systemUTC(), a.egressControl(), stsSettings, anchors)
                    .run(a.request())
                    .toCompletableFuture()
                    // The engine ends the run at its deadline with the report so far; this only guards against a bug hanging the CLI.
                    .get(a.request().runDeadline().plus(BUG_GUARD).toMillis(), TimeUnit.MILLISECONDS);
            if (a.json()) {
                out.println(ReportJson.toJson(ReportJson.report(report, a.expectation(), true)));
            } else {
                TextReport.print(report, a.expectation(), out);
            }
            if (a.request().greylistRetry().isZero() && greylisted(report)) {
                // an MTA would retry; check does not wait minutes unless asked to
                err.println("check: greylisted; a sending MTA retries later: retry with --greylist-retry 5m");
            }
            return exitCode(report, a.expectation());
        } catch (Exception e) {
            err.println("check: internal error: " + e);
            return EXIT_FAILED;
        } finally {
            // Wait for the event loops to stop: at exit the JVM waits up to 300 ms for threads still in
            // native code (an event loop in epoll_wait) before it lets the process end.
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
    }

    private static int usageError(PrintStream err, List<String> messages) {
        messages.forEach(m -> err.println("check: invalid " + m));
        err.println("Try 'check --help'.");
        return EXIT_USAGE;
    }

    /** An expectation replaces "accepted" as the healthy answer: met is 0, anything else 2, whatever the outcome was. */
    static int exitCode(ProbeReport report, Expectation expectation) {
        if (!expectation.isSet()) {
            return exitCode(report.result());
        }
        return expectation.metBy(report) ? EXIT_OK : EXIT_FAILED;
    }

    static int exitCode(Outcome result) {
        return switch (result) {
            case Success -> EXIT_OK;
            case TransientFailure -> EXIT_TRANSIENT;
            case PermanentFailure -> EXIT_FAILED;
        };
    }

    static EgressPolicy policy(List<Cidr> deniedNetworks) {
        // On a laptop loopback and private networks are the user's own business; metadata never is.
        List<Cidr> denied = new ArrayList<>(EgressPolicy.ALWAYS_DENIED.stream().map(Cidr::parse).toList());
        denied.addAll(deniedNetworks);
        return new EgressPolicy(Set.of(), denied);
    }

    private static boolean greylisted(ProbeReport report) {
        return report.domains().stream().flatMap(d -> d.servers().stream()).anyMatch(s -> s.reason() == Reason.Greylisted);
    }
}
