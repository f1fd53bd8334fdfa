package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.testsupport.Dnsmasq;
import io.smtpprobe.testsupport.Postfix;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code check --expect} against a real Postfix: the refusals a healthy mail server gives (an
 * unknown local part, a foreign domain, plaintext where TLS is required) exit 0 when expected, and
 * the answers an unhealthy one gives (a catch-all, an open relay) exit 2, whatever the outcome
 * itself was.
 */
@Tag("real")
class CheckExpectRealPeersTest {
    static Postfix postfix;
    static Dnsmasq dns;

    @BeforeAll
    static void startPeers() throws Exception {
        postfix = Postfix.builder()
                .myhostname("mx1.contoso.test")
                .domain("contoso.test", "user", "postmaster")
                .catchAllDomain("catchall.test")
                .delayReject(false)
                .start();
        dns = Dnsmasq.builder()
                .mx("contoso.test", "mx1.contoso.test", 10)
                .mx("catchall.test", "mx1.contoso.test", 10)
                .mx("fabrikam.test", "mx1.contoso.test", 10)
                .host("mx1.contoso.test", "127.0.0.1")
                .start();
    }

    @AfterAll
    static void stopPeers() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (postfix != null) {
            postfix.close();
        }
    }

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run check(String... args) {
        List<String> all = new ArrayList<>(List.of("--dns-server", dns.endpoint(), "--port", String.valueOf(postfix.port()),
                "--ehlo", "probe.contoso.test", "--command-timeout", "3s", "--connect-timeout", "2s", "--timeout", "10s"));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CheckCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownRecipientThatWasExpectedExitsZeroAndSaysSo() {
        Run run = check("--expect", "RecipientUnknown", "--rcpt-to", "nobody@contoso.test", "contoso.test");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out())
                .contains("contoso.test: PermanentFailure (RecipientUnknown)")
                .contains("  expected RecipientUnknown, got RecipientUnknown: as expected")
                .endsWith("Result: PermanentFailure (RecipientUnknown)\nExpectation: met (expected RecipientUnknown)\n");
    }

    @Test
    void anUnknownRecipientWhereAcceptanceWasExpectedExitsTwo() {
        Run run = check("--expect", "Accepted", "--rcpt-to", "nobody@contoso.test", "contoso.test");

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(CheckCommand.EXIT_FAILED);
        assertThat(run.out()).contains("  expected Accepted, got RecipientUnknown: NOT as expected")
                .endsWith("Expectation: NOT met (expected Accepted)\n");
    }

    @Test
    void aCatchAllFailsTheNoCatchAllExpectationThoughTheProbeWasAccepted() throws Exception {
        Run run = check("--json", "--expect", "RecipientUnknown", "--rcpt-to", "{random}@catchall.test", "catchall.test");

        assertThat(run.exit()).as(run.err()).isEqualTo(CheckCommand.EXIT_FAILED);
        JsonNode json = run.json();
        assertThat(json.get("result").asText()).isEqualTo("Success");
        assertThat(json.get("expectationMet").asBoolean()).isFalse();
        JsonNode domain = json.get("domains").get(0);
        assertThat(domain.get("expected").asText()).isEqualTo("RecipientUnknown");
        assertThat(domain.get("actual").asText()).isEqualTo("Accepted");
        assertThat(domain.get("servers").get(0).get("transcript").toString()).containsPattern("RCPT TO:<[a-z0-9]{16}@catchall\\.test>");
    }

    @Test
    void aRandomLocalPartAtAServerWithoutCatchAllIsTheExpectedRecipientUnknown() {
        Run run = check("--expect", "RecipientUnknown", "--rcpt-to", "{random}@contoso.test", "contoso.test");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("RCPT TO:<[a-z0-9]{16}@contoso\\.test>").doesNotContain("{random}");
    }

    @Test
    void aForeignDomainRefusedAsExpectedIsNoOpenRelay() throws Exception {
        Run run = check("--json", "--expect", "RelayDenied", "--rcpt-to", "someone@fabrikam.test", "fabrikam.test");

        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode json = run.json();
        assertThat(json.get("reason").asText()).isEqualTo("RelayDenied");
        assertThat(json.get("expect").get("reasons").toString()).isEqualTo("[\"RelayDenied\"]");
        assertThat(json.get("expectationMet").asBoolean()).isTrue();
        assertThat(json.get("domains").get(0).get("servers").get(0).get("reply").get("text").asText()).contains("Relay access denied");
    }

    @Test
    void plaintextRefusedWhereTlsIsRequiredIsTheExpectedStartTlsNotOffered() {
        Run run = check("--tls", "required", "--expect", "StartTlsNotOffered", "--rcpt-to", "user@contoso.test", "contoso.test");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("(StartTlsNotOffered)").doesNotContain("MAIL FROM");
    }

    @Test
    void replyCodesAreComparedWithWhatPostfixSent() throws Exception {
        Run exact = check("--json", "--expect-code", "550", "--expect-enhanced", "5.1.1", "--rcpt-to", "nobody@contoso.test",
                "contoso.test");
        Run otherDetail = check("--json", "--expect-enhanced", "5.7.1", "--rcpt-to", "nobody@contoso.test", "contoso.test");

        assertThat(exact.exit()).as(exact.err()).isZero();
        assertThat(exact.json().get("domains").get(0).get("actual").asText()).isEqualTo("RecipientUnknown with reply 550 5.1.1");
        assertThat(otherDetail.exit()).isEqualTo(CheckCommand.EXIT_FAILED);
        assertThat(otherDetail.json().get("domains").get(0).get("expected").asText()).isEqualTo("reply 5.7.1");
    }
}
