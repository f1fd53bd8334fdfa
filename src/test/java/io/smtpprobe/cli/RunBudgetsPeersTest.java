package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.core.ReportBudget;
import io.smtpprobe.testsupport.HostileSmtpServer;
import io.smtpprobe.testsupport.ScriptedDnsServer;
import io.smtpprobe.testsupport.ScriptedDnsServer.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The run's budgets at their edges, through {@code check}: many domains with ten MX hosts each, all
 * pointing at one hostile server on loopback.
 */
@Tag("peers")
class RunBudgetsPeersTest {
    private static final int MX_PER_DOMAIN = 10;

    private ScriptedDnsServer dns;
    private HostileSmtpServer smtp;

    @AfterEach
    void stop() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (smtp != null) {
            smtp.close();
        }
    }

    /** Every domain has ten MX hosts, every host the address 127.0.0.1. */
    private static Reply tenMxHosts(ScriptedDnsServer.Question q) {
        try {
            if (q.type() == Type.MX) {
                Record[] mx = IntStream.rangeClosed(1, MX_PER_DOMAIN).mapToObj(i -> (Record) new MXRecord(q.name(), DClass.IN, 60, i,
                        name("mx" + i + "." + q.name()))).toArray(Record[]::new);
                return Reply.records(mx);
            }
            if (q.type() == Type.A) {
                return Reply.records(new ARecord(q.name(), DClass.IN, 60, InetAddress.getByName("127.0.0.1")));
            }
            return Reply.records();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private record Run(int exit, String stdout, Duration took) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(stdout);
        }
    }

    private Run check(HostileSmtpServer.Mode mode, int domains, String... options) throws Exception {
        dns = ScriptedDnsServer.start(RunBudgetsPeersTest::tenMxHosts);
        smtp = HostileSmtpServer.start(mode);
        List<String> args = new ArrayList<>(List.of("--dns-server", dns.endpoint(), "--port", String.valueOf(smtp.port())));
        args.addAll(List.of(options));
        IntStream.rangeClosed(1, domains).forEach(i -> args.add("d" + i + ".test"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int exit = CheckCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void aTarpitWithManyDomainsEndsAtTheRunDeadlineWithAReportAndClosedSockets() throws Exception {
        Run run = check(HostileSmtpServer.Mode.TARPIT, 15, "--json", "--run-timeout", "3s", "--timeout", "2m",
                "--command-timeout", "1m");

        System.out.printf("15 domains x 10 MX hosts on a tarpit, --run-timeout 3s: check ended after %d ms with a report%n",
                run.took().toMillis());
        // Ends at the run deadline, at the latest after the runner's grace for cut-short dialogues (DefaultProbeRunner.GRACE, 2 s); the
        // rest is slack for a loaded CI machine. Without the run deadline this run would take minutes.
        assertThat(run.took()).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(3 + 2 + 3));
        assertThat(run.exit()).isEqualTo(CheckCommand.EXIT_TRANSIENT);
        JsonNode json = run.json();
        assertThat(json.get("reason").asText()).isEqualTo("RunDeadlineExceeded");
        assertThat(json.get("domains")).hasSize(15).allSatisfy(d -> {
            assertThat(d.get("reason").asText()).isEqualTo("RunDeadlineExceeded");
            assertThat(d.get("finished").asBoolean(true)).isFalse();
            // Some 350 UDP queries reach the one-threaded scripted DNS server at once; one dropped from its full socket
            // buffer is asked again only after the resolver's timeout, past this 3 s deadline (CI saw d15 end so).
            // A domain keeps the MX hosts it had when the deadline came: all of them, or none yet.
            assertThat(d.get("mx").size()).isIn(0, MX_PER_DOMAIN);
            if (!d.get("servers").isEmpty()) {
                assertThat(d.get("mx")).hasSize(MX_PER_DOMAIN);
            }
            assertThat(d.get("message").asText()).contains("run deadline of 3s reached before this domain finished");
        });
        assertThat(json.get("domains").findValues("servers").stream().filter(s -> !s.isEmpty()))
                .as("the domain whose server was being tried when the deadline came").hasSize(1);
        // one connection at a time per server (check's limit): the one in flight was cut and closed
        assertThat(smtp.accepted()).isEqualTo(1);
        long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (smtp.closedByClient() < smtp.accepted() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(smtp.closedByClient()).isEqualTo(smtp.accepted());
    }

    @Test
    void theTextReportSaysWhichDomainsWereNotFinished() throws Exception {
        Run run = check(HostileSmtpServer.Mode.TARPIT, 2, "--run-timeout", "1s");

        assertThat(run.stdout()).contains("Not finished: d1.test, d2.test (run deadline of 1s reached before this domain finished)")
                .contains("Result: TransientFailure (RunDeadlineExceeded)");
    }

    @Test
    void junkFromTenMxHostsPerDomainStaysWithinTheReportBudget() throws Exception {
        int domains = 20;

        Run run = check(HostileSmtpServer.Mode.JUNK, domains, "--json", "--mx-policy", "all", "--run-timeout", "5m");

        JsonNode json = run.json();
        int servers = domains * MX_PER_DOMAIN;
        List<JsonNode> all = StreamSupport.stream(json.get("domains").spliterator(), false)
                .flatMap(d -> StreamSupport.stream(d.get("servers").spliterator(), false)).toList();
        assertThat(all).hasSize(servers);
        // Under load the scripted resolver may leave an MX host's address unanswered (DnsTimeout, no
        // dialogue); every dialogue that did run sent 200 KB, and together far more than the budget.
        List<JsonNode> dialogues = all.stream().filter(s -> s.get("address").isTextual()).toList();
        assertThat(dialogues).hasSize(smtp.accepted());
        assertThat(smtp.accepted() * 200_000L).isGreaterThan(4 * ReportBudget.DEFAULT.totalTextBytes());
        assertThat(json.get("truncated").asBoolean()).isTrue();
        assertThat(dialogues).allSatisfy(s -> {
            assertThat(s.get("reason").asText()).isEqualTo("Accepted");
            assertThat(s.get("transcript").toString()).contains("* " + ReportBudget.TRUNCATED_PREFIX);
            assertThat(s.get("transcript").size()).isLessThanOrEqualTo(ReportBudget.DEFAULT.linesPerServer());
            assertThat(s.get("extensions").size()).isLessThanOrEqualTo(24);
        });
        // the server text budget, plus each server's verdict fields (JSON keys, explanation, one reply line, detail)
        long bound = ReportBudget.DEFAULT.totalTextBytes() + servers * 4096L;
        long size = run.stdout().getBytes(StandardCharsets.UTF_8).length;
        System.out.printf("report of %d servers, %d dialogues of %d lines each: %d bytes of JSON (bound %d)%n",
                servers, dialogues.size(), 4 * (HostileSmtpServer.JUNK_LINES + 1) + 1, size, bound);
        assertThat(size).isLessThan(bound);
    }
}
