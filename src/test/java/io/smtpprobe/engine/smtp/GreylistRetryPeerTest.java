package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.cli.CheckCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A greylister as Postgrey and Postfix's policy services answer: the first RCPT is deferred with
 * 450 4.7.1, a sender that comes back after the delay gets through. {@code check} is the whole
 * engine on Vert.x timers, from the command line to the text report.
 */
@Tag("peers")
class GreylistRetryPeerTest {

    private static final String GREYLISTED = "> 450 4.7.1 <postmaster@grey.test>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/grey.test.html";

    private SuccessiveConnectionsPeer peer;

    record Run(int exit, String out, String err, Duration elapsed) {
    }

    @AfterEach
    void close() throws Exception {
        if (peer != null) {
            peer.close();
        }
    }

    private static List<String> dialogue(String rcptReply) {
        return List.of("> 220 mx.grey.test ESMTP", "EHLO", "> 250 mx.grey.test", "MAIL FROM", "> 250 2.1.0 Ok",
                "RCPT TO", rcptReply, "QUIT", "> 221 2.0.0 Bye");
    }

    private Run check(String... extra) {
        String[] base = {"--server", "127.0.0.1:" + peer.port(), "--rcpt-to", "postmaster@grey.test", "--tls", "disabled",
            "--connect-timeout", "1s", "--command-timeout", "1s", "--timeout", "4s"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int exit = CheckCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - start));
    }

    @Test
    void aGreylistedRecipientIsAcceptedOnTheRetryAfterTheDelay() throws Exception {
        peer = new SuccessiveConnectionsPeer(dialogue(GREYLISTED), dialogue("> 250 2.1.5 Ok"));

        Run run = check("--greylist-retry", "700ms");

        assertThat(peer.errors()).isEmpty();
        assertThat(run.exit).isZero();
        assertThat(run.elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(700));
        assertThat(peer.received()).hasSize(2).allSatisfy(commands -> assertThat(commands).last().isEqualTo("QUIT"));
        assertThat(run.out).contains("greylisted, accepted on retry after 700ms (250 2.1.5 Ok)");
        // both dialogues, in order, with the wait between them
        assertThat(run.out).containsSubsequence("Greylisted, see http://postgrey", "* greylisted; retrying on a new connection after 700ms",
                "* Connected to 127.0.0.1", "250 2.1.5 Ok");
    }

    @Test
    void theJsonReportCarriesTheRetryAndBothDialogues() throws Exception {
        peer = new SuccessiveConnectionsPeer(dialogue(GREYLISTED), dialogue("> 250 2.1.5 Ok"));

        Run run = check("--greylist-retry", "300ms", "--json");

        var domain = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.out).get("domains").get(0);
        var server = domain.get("servers").get(0);
        assertThat(run.exit).isZero();
        assertThat(domain.get("message").asText()).endsWith("greylisted, accepted on retry after 300ms (250 2.1.5 Ok)");
        assertThat(server.get("reason").asText()).isEqualTo("Accepted");
        assertThat(server.get("greylistRetriedAfterMs").asLong()).isEqualTo(300);
        var transcript = new java.util.ArrayList<String>();
        server.get("transcript").forEach(line -> transcript.add(line.asText()));
        assertThat(transcript).filteredOn(line -> line.startsWith("C: RCPT TO")).hasSize(2);
    }

    @Test
    void aServerThatGreylistsTheRetryTooIsATransientGreylisting() throws Exception {
        peer = new SuccessiveConnectionsPeer(dialogue(GREYLISTED), dialogue(GREYLISTED));

        Run run = check("--greylist-retry", "300ms");

        assertThat(peer.errors()).isEmpty();
        assertThat(peer.received()).hasSize(2);
        assertThat(run.exit).isEqualTo(CheckCommand.EXIT_TRANSIENT);
        assertThat(run.out).contains("Result: TransientFailure (Greylisted)").contains("(greylisted again on retry after 300ms)");
    }

    @Test
    void checkDoesNotWaitUnaskedButSaysHowToRetry() throws Exception {
        peer = new SuccessiveConnectionsPeer(dialogue(GREYLISTED), dialogue("> 250 2.1.5 Ok"));

        Run run = check();

        assertThat(run.exit).isEqualTo(CheckCommand.EXIT_TRANSIENT);
        assertThat(peer.received()).hasSize(1);
        assertThat(run.err).contains("retry with --greylist-retry 5m");
    }
}
