package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.testsupport.Dnsmasq;
import io.smtpprobe.testsupport.Exim;
import io.smtpprobe.testsupport.Postfix;
import io.smtpprobe.testsupport.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same {@code check} scenarios against two MTAs that no one here wrote, each configured alike
 * and answering in its own words: Postfix with its defaults (sender and HELO restrictions answered at
 * RCPT TO, enhanced status codes) and Exim with its defaults (ACLs answering at the command they
 * concern, no enhanced codes, "550 Administrative prohibition"). MX records come from dnsmasq; both
 * servers listen on 127.0.0.1, offer STARTTLS with the same self-signed certificate and discard what
 * they accept.
 */
@Tag("real")
class RealMtaScenariosTest {

    private static final String CERTIFICATE_NAME = "mx1.contoso.test";

    /**
     * One server under test and its twin that does not advertise DSN; {@code rejectsAtTheCommand}:
     * HELO and sender refusals come at EHLO and MAIL FROM.
     */
    record Mta(String name, int port, int noDsnPort, boolean rejectsAtTheCommand,
               BiConsumer<String, String> awaitDelivery) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Path tlsDir;
    static Postfix postfix;
    static Postfix postfixNoDsn;
    static Exim exim;
    static Exim eximNoDsn;
    static Dnsmasq dns;

    @BeforeAll
    static void startPeers() throws Exception {
        tlsDir = Files.createTempDirectory("tls");
        TestCertificates.writePem(TestCertificates.selfSigned(CERTIFICATE_NAME, TestCertificates.KeyType.RSA), tlsDir);
        Path heloMap = tlsDir.resolve("helo_access");
        Files.writeString(heloMap, "bad-helo.test REJECT\ninvalid-helo.test 501 5.5.4 Invalid domain name\n");
        postfix = Postfix.builder()
                .myhostname("mx1.contoso.test")
                .domain("contoso.test", "user", "postmaster")
                .rejectRecipient("greylisted@contoso.test", "450 4.7.1 Greylisted, please try again later")
                .rejectRecipient("full@contoso.test", "452 4.2.2 Mailbox full")
                .rejectRecipient("auth@contoso.test", "530 5.7.1 Client was not authenticated")
                .rejectSender("spoof@contoso.test", "REJECT")
                .mainCf("smtpd_helo_restrictions", "check_helo_access texthash:" + heloMap)
                .startTls(tlsDir.resolve("cert.pem"), tlsDir.resolve("key.pem"))
                .start();
        exim = Exim.builder()
                .primaryHostname("mx1.contoso.test")
                .domain("contoso.test", "user", "postmaster")
                .rejectRecipient("greylisted@contoso.test", "450 4.7.1 Greylisted, please try again later")
                .rejectRecipient("full@contoso.test", "452 4.2.2 Mailbox full")
                .rejectRecipient("auth@contoso.test", "530 5.7.1 Client was not authenticated")
                .rejectSender("spoof@contoso.test")
                .rejectHelo("bad-helo.test")
                .rejectHelo("invalid-helo.test", "501 5.5.4 Invalid domain name")
                .startTls(tlsDir.resolve("cert.pem"), tlsDir.resolve("key.pem"))
                .start();
        postfixNoDsn = Postfix.builder().myhostname("mx.nodsn.test").catchAllDomain("nodsn.test").dsn(false).start();
        eximNoDsn = Exim.builder().primaryHostname("mx.nodsn.test").catchAllDomain("nodsn.test").dsn(false).start();
        dns = Dnsmasq.builder()
                .mx("contoso.test", "mx1.contoso.test", 10)
                .host("mx1.contoso.test", "127.0.0.1")
                .mx("fabrikam.test", "mail.fabrikam.test", 10)
                .host("mail.fabrikam.test", "127.0.0.1")
                .start();
    }

    @AfterAll
    static void stopPeers() throws Exception {
        for (AutoCloseable peer : new AutoCloseable[] {dns, eximNoDsn, exim, postfixNoDsn, postfix}) {
            if (peer != null) {
                peer.close();
            }
        }
        if (tlsDir != null) {
            try (Stream<Path> files = Files.list(tlsDir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(tlsDir);
        }
    }

    static Stream<Mta> mtas() {
        return Stream.of(
                new Mta("Postfix", postfix.port(), postfixNoDsn.port(), false, (queueId, rcpt) -> postfix.awaitMaillog(
                        "postfix/discard\\[\\d+\\]: " + queueId + ": to=<" + rcpt + ">.*status=sent", 1,
                        Duration.ofSeconds(10))),
                new Mta("Exim", exim.port(), eximNoDsn.port(), true, (queueId, rcpt) -> exim.awaitMainlog(
                        queueId + " => :blackhole: <" + rcpt + "> R=known_recipients", 1, Duration.ofSeconds(10))));
    }

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }

        JsonNode server() throws Exception {
            return json().get("domains").get(0).get("servers").get(0);
        }
    }

    static Run check(Mta mta, String... args) {
        List<String> all = new ArrayList<>(List.of("--dns-server", dns.endpoint(), "--port", String.valueOf(mta.port()),
                "--ehlo", "probe.contoso.test", "--command-timeout", "3s", "--connect-timeout", "2s", "--timeout", "10s"));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CheckCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void anExistingRecipientIsAcceptedWithDsnAndTheQueueIdOfTheTestMessageIsFoundInTheMtasLog(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--data", "--subject", "probe", "--rcpt-to", "user@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.out + run.err).isZero();
        assertThat(run.json().get("reason").asText()).isEqualTo("Accepted");
        JsonNode server = run.server();
        assertThat(server.get("dsn").asBoolean()).isTrue();
        assertThat(server.get("transcript").toString()).contains("C: RCPT TO:<user@contoso.test> NOTIFY=SUCCESS,FAILURE");
        String queueId = server.get("queueId").asText();
        assertThat(queueId).as(server.toString()).isNotBlank();
        mta.awaitDelivery().accept(queueId, "user@contoso.test");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void notifyIsLeftOutWhenTheServerDoesNotAdvertiseDsn(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--server", "127.0.0.1:" + mta.noDsnPort(), "--rcpt-to", "x@nodsn.test", "nodsn.test");

        assertThat(run.exit).as(run.out).isZero();
        JsonNode server = run.server();
        assertThat(server.get("dsn").asBoolean()).isFalse();
        assertThat(server.get("transcript").toString()).contains("C: RCPT TO:<x@nodsn.test>\"").doesNotContain("NOTIFY");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void anUnknownUserIsRecipientUnknown(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--rcpt-to", "nobody@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.out).isEqualTo(2);
        JsonNode server = run.server();
        assertThat(server.get("reason").asText()).as(server.get("reply").toString()).isEqualTo("RecipientUnknown");
        assertThat(server.get("stage").asText()).isEqualTo("RcptTo");
        assertThat(server.get("reply").get("code").asInt()).isEqualTo(550);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void aDomainTheServerDoesNotServeIsRelayDenied(Mta mta) throws Exception {
        Run run = check(mta, "--json", "fabrikam.test");

        assertThat(run.exit).as(run.out).isEqualTo(2);
        JsonNode server = run.server();
        assertThat(server.get("reason").asText()).as(server.get("reply").toString()).isEqualTo("RelayDenied");
        assertThat(server.get("stage").asText()).isEqualTo("RcptTo");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void aSenderTheServerRefusesIsSenderRejected(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--mail-from", "spoof@contoso.test", "--rcpt-to", "user@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.out).isEqualTo(2);
        JsonNode server = run.server();
        assertThat(server.get("reason").asText()).as(server.get("reply").toString()).isEqualTo("SenderRejected");
        assertThat(server.get("stage").asText()).isEqualTo(mta.rejectsAtTheCommand() ? "MailFrom" : "RcptTo");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void aHeloNameTheServerRefusesIsInvalidHeloName(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--ehlo", "bad-helo.test", "contoso.test");

        assertThat(run.exit).as(run.out).isEqualTo(2);
        JsonNode server = run.server();
        assertThat(server.get("reason").asText()).as(server.get("reply").toString()).isEqualTo("InvalidHeloName");
        assertThat(server.get("stage").asText()).isEqualTo(mta.rejectsAtTheCommand() ? "Ehlo" : "RcptTo");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void aHeloNameRefusedWith501AndAnEnhancedCodeIsInvalidHeloName(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--ehlo", "invalid-helo.test", "contoso.test");

        assertThat(run.exit).as(run.out).isEqualTo(2);
        JsonNode server = run.server();
        assertThat(server.get("reason").asText()).as(server.get("reply").toString()).isEqualTo("InvalidHeloName");
        assertThat(server.get("reply").get("code").asInt()).isEqualTo(501);
        assertThat(server.get("reply").get("enhancedCode").asText()).isEqualTo("5.5.4");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void greylistingIsTransientWithExitOne(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--rcpt-to", "greylisted@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.out).isEqualTo(1);
        assertThat(run.json().get("result").asText()).isEqualTo("TransientFailure");
        assertThat(run.server().get("reason").asText()).isEqualTo("Greylisted");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void aFullMailboxIsMailboxFullWithExitOne(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--rcpt-to", "full@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.out).isEqualTo(1);
        assertThat(run.server().get("reason").asText()).isEqualTo("MailboxFull");
        assertThat(run.server().get("reply").get("code").asInt()).isEqualTo(452);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void aServerDemandingAuthenticationIsAuthenticationRequired(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--rcpt-to", "auth@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.out).isEqualTo(2);
        assertThat(run.server().get("reason").asText()).isEqualTo("AuthenticationRequired");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void opportunisticTlsReportsTheCertificateFactsAndCarriesOn(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--rcpt-to", "user@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.out).isZero();
        JsonNode tls = run.server().get("tls");
        assertThat(tls.get("trusted").asBoolean()).isFalse();
        assertThat(tls.get("certificate").get("subject").asText()).contains("CN=" + CERTIFICATE_NAME);
        assertThat(tls.get("protocol").asText()).startsWith("TLSv1.");
        assertThat(tls.get("cipher").asText()).isNotBlank();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void requiredTlsRefusesTheSelfSignedCertificateBeforeMailFrom(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--tls", "required", "--rcpt-to", "user@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.out).isEqualTo(2);
        JsonNode server = run.server();
        assertThat(server.get("reason").asText()).isEqualTo("CertificateUntrusted");
        assertThat(server.get("tls").get("certificate").get("subject").asText()).contains("CN=" + CERTIFICATE_NAME);
        assertThat(server.get("transcript").toString()).doesNotContain("MAIL FROM");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void requiredTlsPassesWhenVerificationIsWaivedAndTheDialogueRunsOverTls(Mta mta) throws Exception {
        Run run = check(mta, "--json", "--tls", "required", "--insecure", "--rcpt-to", "user@contoso.test", "contoso.test");

        assertThat(run.exit).as(run.out).isZero();
        String transcript = run.server().get("transcript").toString();
        assertThat(transcript.indexOf("C: STARTTLS")).isPositive().isLessThan(transcript.lastIndexOf("C: EHLO"));
        assertThat(transcript.indexOf("C: MAIL FROM")).isGreaterThan(transcript.indexOf("C: STARTTLS"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mtas")
    void theTextReportShowsTheServersOwnWordsAndTheVerdict(Mta mta) {
        Run run = check(mta, "--rcpt-to", "nobody@contoso.test", "contoso.test");

        assertThat(run.out).contains("220 mx1.contoso.test ESMTP " + mta.name())
                .contains("RCPT TO:<nobody@contoso.test>").contains("550 ")
                .contains("=== Summary").contains("RecipientUnknown");
    }
}
