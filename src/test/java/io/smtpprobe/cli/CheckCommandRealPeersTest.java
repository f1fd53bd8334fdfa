package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.testsupport.Dnsmasq;
import io.smtpprobe.testsupport.TestCertificates;
import io.smtpprobe.testsupport.Postfix;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The {@code check} contract against a real Postfix and a real dnsmasq on loopback: verdicts,
 * reasons, exit codes and the JSON document. Postfix discards everything it accepts; dnsmasq
 * answers only for .test and forwards nothing.
 */
@Tag("real")
class CheckCommandRealPeersTest {

    static Postfix postfix;
    static Postfix noDsn;
    static Postfix withTls;
    static Path tlsDir;
    static Dnsmasq dns;
    static Path heloMap;

    @BeforeAll
    static void startPeers() throws Exception {
        heloMap = Files.createTempFile("helo", ".map");
        Files.writeString(heloMap, "bad-helo.test 501 5.5.4 Invalid domain name\n");
        postfix = Postfix.builder()
                .myhostname("mx1.contoso.test")
                .domain("contoso.test", "user", "postmaster")
                .domain("implicit.test", "postmaster")
                .rejectRecipient("greylisted@contoso.test", "450 4.7.1 Greylisted, please try again later")
                .rejectRecipient("full@contoso.test", "452 4.2.2 Mailbox full")
                .rejectRecipient("auth@contoso.test", "530 5.7.1 Client was not authenticated")
                .rejectSender("spoof@contoso.test", "550 5.1.7 Invalid sender")
                .delayReject(false)
                .mainCf("smtpd_helo_required", "yes")
                .mainCf("smtpd_helo_restrictions", "check_helo_access texthash:" + heloMap)
                .start();
        tlsDir = Files.createTempDirectory("tls");
        TestCertificates.writePem(TestCertificates.selfSigned("mx1.tls.test", TestCertificates.KeyType.RSA), tlsDir);
        withTls = Postfix.builder().myhostname("mx1.tls.test").domain("tls.test", "postmaster")
                .startTls(tlsDir.resolve("cert.pem"), tlsDir.resolve("key.pem")).start();
        noDsn = Postfix.builder().myhostname("mx.nodsn.test").catchAllDomain("nodsn.test").dsn(false).start();
        dns = Dnsmasq.builder()
                .mx("contoso.test", "mx1.contoso.test", 10)
                .host("mx1.contoso.test", "127.0.0.1")
                .mx("fabrikam.test", "mail.fabrikam.test", 10)
                .host("mail.fabrikam.test", "127.0.0.1")
                .nullMx("nullmx.test")
                .nullMx("mixednull.test")
                .mx("mixednull.test", "mx1.contoso.test", 10)
                // no upstream for this zone: dnsmasq answers REFUSED
                .option("server=/dnsrefused.test/#")
                .host("implicit.test", "127.0.0.1")
                .txt("nomail.test", "v=spf1 -all")
                // Nothing listens on 127.0.0.3: a refused connection without leaving loopback.
                .mx("refused.test", "down.refused.test", 10)
                .host("down.refused.test", "127.0.0.3")
                .mx("backup.test", "down.backup.test", 10)
                .host("down.backup.test", "127.0.0.3")
                .mx("backup.test", "mx1.contoso.test", 20)
                .mx("tls.test", "mx1.tls.test", 10)
                .host("mx1.tls.test", "127.0.0.1")
                .start();
    }

    @AfterAll
    static void stopPeers() throws Exception {
        if (dns != null) {
            dns.close();
        }
        if (withTls != null) {
            withTls.close();
        }
        if (noDsn != null) {
            noDsn.close();
        }
        if (postfix != null) {
            postfix.close();
        }
        Files.deleteIfExists(heloMap);
    }

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }

        JsonNode server(int domain, int server) throws Exception {
            return json().get("domains").get(domain).get("servers").get(server);
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
    void anExistingRecipientIsAcceptedWithExitZero() throws Exception {
        Run run = check("--json", "--rcpt-to", "user@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.err).isZero();
        JsonNode json = run.json();
        assertThat(json.get("result").asText()).isEqualTo("Success");
        assertThat(json.get("reason").asText()).isEqualTo("Accepted");
        JsonNode domain = json.get("domains").get(0);
        assertThat(domain.get("mx").get(0).get("host").asText()).isEqualTo("mx1.contoso.test");
        assertThat(domain.get("mx").get(0).get("preference").asInt()).isEqualTo(10);
        JsonNode server = domain.get("servers").get(0);
        assertThat(server.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(server.get("reply").get("code").asInt()).isEqualTo(250);
        assertThat(server.get("reply").get("enhancedCode").asText()).isEqualTo("2.1.5");
        assertThat(server.get("reply").get("class").asText()).isEqualTo("PositiveCompletion");
        assertThat(server.get("extensions").toString()).contains("DSN").contains("PIPELINING");
        assertThat(server.get("transcript").toString())
                .contains("C: EHLO probe.contoso.test")
                .contains("C: RCPT TO:<user@contoso.test> NOTIFY=SUCCESS,FAILURE")
                .contains("C: QUIT").contains("S: 221 2.0.0 Bye");
        assertThat(server.get("latencyMs").has("Connect")).isTrue();
    }

    @Test
    void anUnknownUserIsRecipientUnknownWithExitTwo() throws Exception {
        Run run = check("--json", "--rcpt-to", "nobody@contoso.test", "contoso.test");

        assertThat(run.exit).isEqualTo(2);
        JsonNode server = run.server(0, 0);
        assertThat(server.get("reason").asText()).isEqualTo("RecipientUnknown");
        assertThat(server.get("stage").asText()).isEqualTo("RcptTo");
        assertThat(server.get("reply").get("code").asInt()).isEqualTo(550);
        assertThat(server.get("reply").get("enhancedCode").asText()).isEqualTo("5.1.1");
        assertThat(server.get("reply").get("class").asText()).isEqualTo("PermanentNegative");
        assertThat(run.json().get("domains").get(0).get("message").asText())
                .startsWith("contoso.test: mx1.contoso.test (127.0.0.1:" + postfix.port() + ") RCPT 550 5.1.1");
    }

    @Test
    void greylistingIsTransientWithExitOne() throws Exception {
        Run run = check("--json", "--rcpt-to", "greylisted@contoso.test", "contoso.test");

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.json().get("result").asText()).isEqualTo("TransientFailure");
        assertThat(run.server(0, 0).get("reason").asText()).isEqualTo("Greylisted");
    }

    @Test
    void aFullMailboxIsTransientWhenTheServerSays452() throws Exception {
        Run run = check("--json", "--rcpt-to", "full@contoso.test", "contoso.test");

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.server(0, 0).get("reason").asText()).isEqualTo("MailboxFull");
    }

    @Test
    void aDomainTheServerDoesNotServeIsRelayDenied() throws Exception {
        Run run = check("--json", "fabrikam.test");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.server(0, 0).get("reason").asText()).isEqualTo("RelayDenied");
        assertThat(run.server(0, 0).get("reply").get("text").asText()).contains("Relay access denied");
    }

    @Test
    void aRejectedSenderIsSenderRejected() throws Exception {
        Run run = check("--json", "--mail-from", "spoof@contoso.test", "--rcpt-to", "user@contoso.test", "contoso.test");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.server(0, 0).get("reason").asText()).isEqualTo("SenderRejected");
        assertThat(run.server(0, 0).get("reply").get("enhancedCode").asText()).isEqualTo("5.1.7");
    }

    @Test
    void aRejectedHeloNameIsInvalidHeloName() throws Exception {
        Run run = check("--json", "--ehlo", "bad-helo.test", "contoso.test");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.server(0, 0).get("reason").asText()).isEqualTo("InvalidHeloName");
        assertThat(run.server(0, 0).get("reply").get("enhancedCode").asText()).isEqualTo("5.5.4");
    }

    @Test
    void aServerDemandingAuthenticationIsAuthenticationRequired() throws Exception {
        Run run = check("--json", "--rcpt-to", "auth@contoso.test", "contoso.test");

        assertThat(run.server(0, 0).get("reason").asText()).isEqualTo("AuthenticationRequired");
    }

    @Test
    void dnsVerdictsNeedNoConnection() throws Exception {
        Run run = check("--json", "nosuch.test", "nullmx.test", "nomail.test");

        assertThat(run.exit).isEqualTo(2);
        JsonNode domains = run.json().get("domains");
        assertThat(domains.get(0).get("reason").asText()).isEqualTo("DnsNameNotFound");
        assertThat(domains.get(1).get("reason").asText()).isEqualTo("NullMx");
        assertThat(domains.get(2).get("reason").asText()).isEqualTo("DnsNoMailServers");
        for (JsonNode d : domains) {
            assertThat(d.get("servers")).isEmpty();
        }
    }

    @Test
    void aRefusingDnsServerIsTransientWithExitOne() throws Exception {
        Run run = check("--json", "dnsrefused.test");

        assertThat(run.exit).as(run.out).isEqualTo(1);
        JsonNode domain = run.json().get("domains").get(0);
        assertThat(domain.get("result").asText()).isEqualTo("TransientFailure");
        assertThat(domain.get("reason").asText()).isEqualTo("DnsServerFailure");
        assertThat(domain.get("servers")).isEmpty();
    }

    @Test
    void aNullMxBesideARealMxIsNullMxMisconfiguredAndNotProbed() throws Exception {
        Run run = check("--json", "mixednull.test");

        assertThat(run.exit).as(run.out).isEqualTo(2);
        JsonNode domain = run.json().get("domains").get(0);
        assertThat(domain.get("reason").asText()).isEqualTo("NullMxMisconfigured");
        assertThat(domain.get("result").asText()).isEqualTo("PermanentFailure");
        assertThat(domain.get("servers")).isEmpty();
    }

    @Test
    void aDomainWithoutMxIsProbedAtItsOwnAddress() throws Exception {
        Run run = check("--json", "implicit.test");

        assertThat(run.exit).as(run.out).isZero();
        JsonNode mx = run.json().get("domains").get(0).get("mx").get(0);
        assertThat(mx.get("host").asText()).isEqualTo("implicit.test");
        assertThat(mx.get("implicit").asBoolean()).isTrue();
    }

    @Test
    void aRefusedConnectionIsConnectRefused() throws Exception {
        Run run = check("--json", "refused.test");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.server(0, 0).get("reason").asText()).isEqualTo("ConnectRefused");
        assertThat(run.server(0, 0).get("stage").asText()).isEqualTo("Connect");
        assertThat(run.server(0, 0).get("explanation").asText()).contains("firewall").doesNotContain("\n");
    }

    @Test
    void preferredPolicyFallsBackToTheBackupMxButAllPolicyReportsTheDeadOne() throws Exception {
        Run preferred = check("--json", "--rcpt-to", "user@contoso.test", "backup.test");
        assertThat(preferred.exit).isZero();
        assertThat(preferred.json().get("domains").get(0).get("servers")).hasSize(2);

        Run all = check("--json", "--mx-policy", "all", "--rcpt-to", "user@contoso.test", "backup.test");
        assertThat(all.exit).isEqualTo(2);
        assertThat(all.json().get("reason").asText()).isEqualTo("ConnectRefused");
    }

    @Test
    void dataIsDeliveredToTheDiscardTransportAndTheQueueIdIsReported() throws Exception {
        Run run = check("--json", "--data", "--subject", "probe", "--body", ".leading dot\nline two",
                "--rcpt-to", "user@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.out).isZero();
        String queueId = run.server(0, 0).get("queueId").asText();
        assertThat(queueId).isNotBlank();
        assertThat(postfix.awaitMaillog("postfix/discard\\[\\d+\\]: " + queueId + ": to=<user@contoso.test>.*status=sent", 1, Duration.ofSeconds(10))).isNotEmpty();
    }

    @Test
    void notifyIsLeftOutWhenTheServerDoesNotAdvertiseDsn() throws Exception {
        Run run = check("--json", "--server", "127.0.0.1:" + noDsn.port(), "--rcpt-to", "x@nodsn.test", "nodsn.test");

        assertThat(run.exit).as(run.out).isZero();
        JsonNode server = run.server(0, 0);
        assertThat(server.get("dsn").asBoolean()).isFalse();
        assertThat(server.get("transcript").toString()).contains("C: RCPT TO:<x@nodsn.test>\"").doesNotContain("NOTIFY");
    }

    @Test
    void theTextReportReadsLikeATelnetSessionWithASummary() {
        Run run = check("--rcpt-to", "nobody@contoso.test", "contoso.test");

        assertThat(run.out).contains("220 mx1.contoso.test ESMTP").contains("EHLO probe.contoso.test")
                .contains("RCPT TO:<nobody@contoso.test>").contains("550 5.1.1")
                .contains("=== Summary").contains("RecipientUnknown").contains("The recipient does not exist");
    }

    @Test
    void requiredTlsRefusesASelfSignedCertificateButReportsItsFacts() throws Exception {
        Run run = check("--json", "--port", String.valueOf(withTls.port()), "--tls", "required", "tls.test");

        assertThat(run.exit).isEqualTo(2);
        JsonNode server = run.server(0, 0);
        assertThat(server.get("reason").asText()).isEqualTo("CertificateUntrusted");
        assertThat(server.get("tls").get("trusted").asBoolean()).isFalse();
        assertThat(server.get("tls").get("certificate").get("subject").asText()).contains("CN=mx1.tls.test");
        assertThat(server.get("tls").get("protocol").asText()).startsWith("TLSv1.");
        assertThat(server.get("transcript").toString()).doesNotContain("MAIL FROM");
    }

    @Test
    void insecureSkipsVerificationAndTheDialogueContinuesOverTls() throws Exception {
        Run run = check("--json", "--port", String.valueOf(withTls.port()), "--tls", "required", "--insecure", "tls.test");

        assertThat(run.exit).as(run.out).isZero();
        JsonNode server = run.server(0, 0);
        assertThat(server.get("tls").get("cipher").asText()).isNotBlank();
        String transcript = server.get("transcript").toString();
        assertThat(transcript.indexOf("C: STARTTLS")).isPositive().isLessThan(transcript.lastIndexOf("C: EHLO"));
        assertThat(transcript.indexOf("C: MAIL FROM")).isGreaterThan(transcript.indexOf("C: STARTTLS"));
    }

    @Test
    void requiredTlsAgainstAServerWithoutStartTlsNeverSendsMailFrom() throws Exception {
        Run run = check("--json", "--tls", "required", "--rcpt-to", "user@contoso.test", "contoso.test");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.server(0, 0).get("reason").asText()).isEqualTo("StartTlsNotOffered");
        assertThat(run.server(0, 0).get("transcript").toString()).doesNotContain("MAIL FROM");
    }
}
