package io.smtpprobe.engine.dane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.cli.CheckCommand;
import io.smtpprobe.engine.sts.StsSettings;
import io.smtpprobe.testsupport.Nginx;
import io.smtpprobe.testsupport.Nsd;
import io.smtpprobe.testsupport.Nsd.Signing;
import io.smtpprobe.testsupport.Postfix;
import io.smtpprobe.testsupport.TestCertificates;
import io.smtpprobe.testsupport.TestCertificates.Issued;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DANE through the domain's combined verdict, as {@code check --json} prints it, against real
 * servers on loopback: NSD serves DNSSEC-signed zones (MX, A, TLSA, the MTA-STS and TLS-RPT TXT
 * records) signed by ldns-signzone, validated from the top zone's DS given with
 * {@code --dnssec-trust-anchors}; a real Postfix offers STARTTLS with a certificate of a test CA no
 * WebPKI trusts; nginx serves the MTA-STS policies, trusted through {@code --sts-ca-file}.
 * Every MX host is 127.0.0.1 under its own name, so each domain gets its own TLSA records.
 */
@Tag("real")
class DaneCheckRealTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DOMAINS = List.of("ee.dane.test", "ta.dane.test", "nomatch.dane.test",
            "notlsa.dane.test", "stsonly.dane.test", "both.dane.test", "expired.dane.test", "wrongkey.dane.test", "cname.dane.test");

    static Postfix postfix;
    static Nsd nsd;
    static Nginx https;
    static Path files;
    static JsonNode report;
    static int exit;
    static String stderr;

    @BeforeAll
    static void startServersAndCheck() throws Exception {
        Issued ca = TestCertificates.authority("DANE Check Test CA");
        Issued otherCa = TestCertificates.authority("Some Other CA");
        Instant now = Instant.now();
        // one certificate for every MX name, so DANE-TA's name check passes for each (RSA: Postfix refuses these EC keys)
        Issued server = TestCertificates.server(ca, "*.dane.test", now.minus(Duration.ofDays(1)),
                now.plus(Duration.ofDays(90)), TestCertificates.KeyType.RSA);
        Issued otherKey = TestCertificates.server(otherCa, "*.dane.test");
        files = Files.createTempDirectory("dane-check");
        Path tls = Files.createDirectories(files.resolve("tls"));
        TestCertificates.writePem(server, tls);
        var mx = Postfix.builder().myhostname("mx.dane.test").startTls(tls.resolve("cert.pem"), tls.resolve("key.pem"));
        DOMAINS.forEach(mx::catchAllDomain);
        postfix = mx.start();

        https = Nginx.builder()
                .policy("mta-sts.stsonly.dane.test", rsa(ca, "mta-sts.stsonly.dane.test"),
                        policy("testing", "mx-stsonly.dane.test"))
                // a policy that would fail both.dane.test's MX if it were judged: DANE must win
                .policy("mta-sts.both.dane.test", rsa(ca, "mta-sts.both.dane.test"),
                        policy("enforce", "mx.elsewhere.test"))
                .start();

        String port = String.valueOf(postfix.port());
        String tlsaAt = "_" + port + "._tcp.";
        nsd = Nsd.builder()
                .zone("dane.test", Signing.SIGNED,
                        "ee MX 10 mx-ee", "mx-ee A 127.0.0.1", tlsaAt + "mx-ee TLSA " + tlsa(3, 1, 1, server),
                        "ta MX 10 mx-ta", "mx-ta A 127.0.0.1", tlsaAt + "mx-ta TLSA " + tlsa(2, 0, 1, ca),
                        "nomatch MX 10 mx-nomatch", "mx-nomatch A 127.0.0.1",
                        tlsaAt + "mx-nomatch TLSA " + tlsa(3, 1, 1, otherKey),
                        tlsaAt + "mx-nomatch TLSA " + tlsa(2, 0, 1, otherCa),
                        "notlsa MX 10 mx-notlsa", "mx-notlsa A 127.0.0.1",
                        "stsonly MX 10 mx-stsonly", "mx-stsonly A 127.0.0.1",
                        "_mta-sts.stsonly TXT \"v=STSv1; id=stsonly1\"", "mta-sts.stsonly A 127.0.0.1",
                        "both MX 10 mx-both", "mx-both A 127.0.0.1", tlsaAt + "mx-both TLSA " + tlsa(3, 1, 1, server),
                        "_mta-sts.both TXT \"v=STSv1; id=both1\"", "mta-sts.both A 127.0.0.1",
                        "_smtp._tls.both TXT \"v=TLSRPTv1; rua=mailto:tlsrpt@both.dane.test\"",
                        // the MX name is an alias: its target's TLSA records count (RFC 7672 §2.2.3)
                        "cname MX 10 mx-alias", "mx-alias CNAME mx-ee")
                .zone("expired.dane.test", Signing.EXPIRED_SIGNATURES, "@ MX 10 mx", "mx A 127.0.0.1",
                        tlsaAt + "mx TLSA " + tlsa(3, 1, 1, server))
                .zone("wrongkey.dane.test", Signing.WRONG_KEY, "@ MX 10 mx", "mx A 127.0.0.1",
                        tlsaAt + "mx TLSA " + tlsa(3, 1, 1, server))
                .start();
        Path anchors = Files.writeString(files.resolve("anchors.ds"), nsd.trustAnchor() + "\n");
        Path caDir = Files.createDirectories(files.resolve("ca"));
        TestCertificates.writePem(ca, caDir);

        List<String> args = new ArrayList<>(List.of("--json", "--dns-server", nsd.endpoint(), "--port", port,
                "--dnssec-trust-anchors", anchors.toString(), "--sts-ca-file", caDir.resolve("cert.pem").toString()));
        args.addAll(DOMAINS);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // only the policy port is the test's: nginx cannot have 443 while other tests run
        StsSettings sts = StsSettings.defaults().withHttpsPort(https.port());
        exit = CheckCommand.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), sts);
        stderr = err.toString(StandardCharsets.UTF_8);
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertThat(stdout).as("stderr: " + stderr + "\nnsd: " + nsd.log()).startsWith("{");
        report = JSON.readTree(stdout);
    }

    @AfterAll
    static void stopServers() {
        for (AutoCloseable c : new AutoCloseable[] {postfix, https, nsd}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    private static String policy(String mode, String mx) {
        return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
    }

    /** nginx (OpenSSL 3) cannot read BouncyCastle's EC private keys. */
    private static Issued rsa(Issued ca, String name) {
        Instant now = Instant.now();
        return TestCertificates.server(ca, name, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)),
                TestCertificates.KeyType.RSA);
    }

    private static String tlsa(int usage, int selector, int matchingType, Issued of) {
        Tlsa record = TlsaMatcher.recordFor(usage, selector, matchingType, of.certificate());
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(record.data());
    }

    private static JsonNode domain(String name) {
        for (JsonNode d : report.get("domains")) {
            if (d.get("domain").asText().equals(name)) {
                return d;
            }
        }
        throw new AssertionError("no domain " + name + " in " + report.toPrettyString());
    }

    /** The domain's transport-security block has this policy type and RFC 8460 result; the domain this reason. */
    private static JsonNode assertVerdict(String name, String policyType, String result, String reason) {
        JsonNode d = domain(name);
        JsonNode t = d.get("transportSecurity");
        String context = name + ": " + d.toPrettyString() + "\nstderr: " + stderr;
        assertThat(t).as(context).isNotNull();
        assertThat(t.get("policyType").asText()).as(context).isEqualTo(policyType);
        assertThat(t.get("result").asText()).as(context).isEqualTo(result);
        assertThat(d.get("reason").asText()).as(context).isEqualTo(reason);
        return t;
    }

    private static JsonNode server(String domain) {
        JsonNode servers = domain(domain).get("servers");
        assertThat(servers).as(domain(domain).toPrettyString()).hasSize(1);
        return servers.get(0);
    }

    @Test
    void daneEeSpkiSha256MatchIsTlsaSuccessAndTheDomainIsAccepted() {
        JsonNode t = assertVerdict("ee.dane.test", "tlsa", "success", "Accepted");
        assertThat(t.get("enforced").asBoolean()).as("nothing failed, so nothing was enforced").isFalse();
        assertThat(domain("ee.dane.test").get("result").asText()).isEqualTo("Success");
        JsonNode dane = server("ee.dane.test").get("dane");
        assertThat(dane.get("status").asText()).as(dane.toString()).isEqualTo("MATCH");
        assertThat(dane.get("records").get(0).asText()).startsWith("3 1 1 ");
    }

    @Test
    void daneTaMatchOnTheTestCaIsTlsaSuccess() {
        assertVerdict("ta.dane.test", "tlsa", "success", "Accepted");
        JsonNode dane = server("ta.dane.test").get("dane");
        assertThat(dane.get("status").asText()).as(dane.toString()).isEqualTo("MATCH");
        assertThat(dane.get("detail").asText()).contains("DANE-TA");
    }

    /**
     * RFC 8460 §4.3.2.2: {@code tlsa-invalid} is "a validation error in the TLSA record associated
     * with a DANE policy. None of the records in the RRset were found to be valid": the records are
     * DNSSEC-valid and usable, but none matches the chain. {@code validation-failure} is only the
     * catch-all "for a reason not matching a category above", so the DANE-specific type is the right one.
     */
    @Test
    void usableTlsaMatchingNothingIsTlsaInvalidAndFailsTheDomain() {
        JsonNode t = assertVerdict("nomatch.dane.test", "tlsa", "tlsa-invalid", "DaneNoMatch");
        assertThat(t.get("enforced").asBoolean()).isTrue();
        assertThat(t.get("failingMx")).extracting(JsonNode::asText).containsExactly("mx-nomatch.dane.test");
        assertThat(domain("nomatch.dane.test").get("result").asText()).isEqualTo("PermanentFailure");
        assertThat(exit).as("one domain failed its DANE policy").isEqualTo(CheckCommand.EXIT_FAILED);
    }

    /**
     * RFC 7672 §2.2: a sender treats an MX host with bogus TLSA records as unusable and defers, so
     * the domain fails as a transient failure (the zone may be re-signed), not a permanent one.
     */
    @Test
    void tlsaInAZoneWithExpiredSignaturesIsDnssecInvalidAndDefers() {
        JsonNode t = assertVerdict("expired.dane.test", "tlsa", "dnssec-invalid", "DaneDnssecBogus");
        assertThat(t.get("enforced").asBoolean()).isTrue();
        assertThat(t.get("failingMx")).extracting(JsonNode::asText).containsExactly("mx.expired.dane.test");
        assertThat(domain("expired.dane.test").get("result").asText()).isEqualTo("TransientFailure");
    }

    @Test
    void tlsaInAZoneSignedWithAKeyTheParentDoesNotNameIsDnssecInvalidAndDefers() {
        JsonNode t = assertVerdict("wrongkey.dane.test", "tlsa", "dnssec-invalid", "DaneDnssecBogus");
        assertThat(t.get("enforced").asBoolean()).isTrue();
        assertThat(domain("wrongkey.dane.test").get("result").asText()).isEqualTo("TransientFailure");
    }

    @Test
    void aCnamedMxHostIsJudgedByItsTargetsTlsaRecords() {
        assertVerdict("cname.dane.test", "tlsa", "success", "Accepted");
        JsonNode dane = server("cname.dane.test").get("dane");
        assertThat(dane.get("status").asText()).as(dane.toString()).isEqualTo("MATCH");
    }

    @Test
    void noTlsaInASignedZoneAndNoMtaStsIsNoPolicyFound() {
        JsonNode t = assertVerdict("notlsa.dane.test", "no-policy-found", "success", "Accepted");
        assertThat(t.get("enforced").asBoolean()).isFalse();
    }

    /**
     * Without TLSA records the MX falls to MTA-STS: the testing policy judges the certificate, which
     * no WebPKI trusts (only DANE would have vouched for it), and reports without failing the domain.
     */
    @Test
    void noTlsaInASignedZoneFallsToMtaSts() {
        JsonNode t = assertVerdict("stsonly.dane.test", "sts", "certificate-not-trusted", "Accepted");
        assertThat(t.get("mode").asText()).isEqualTo("testing");
        assertThat(t.get("reason").asText()).isEqualTo("MtaStsTlsFailed");
        assertThat(t.get("policyId").asText()).isEqualTo("stsonly1");
        assertThat(t.get("enforced").asBoolean()).isFalse();
    }

    /**
     * RFC 8461 §2: where DANE applies it takes precedence. The enforce policy names another MX, so
     * MTA-STS alone would fail the domain with validation-failure; the matching TLSA decides instead.
     */
    @Test
    void daneTakesPrecedenceOverAnEnforcedMtaStsPolicy() {
        JsonNode t = assertVerdict("both.dane.test", "tlsa", "success", "Accepted");
        assertThat(t.get("policyId").asText()).as("the MTA-STS policy is still named").isEqualTo("both1");
        assertThat(t.get("tlsRptRua")).extracting(JsonNode::asText).containsExactly("mailto:tlsrpt@both.dane.test");
        assertThat(https.accessLog()).as("the policy was fetched, and then outranked")
                .anyMatch(line -> line.startsWith("mta-sts.both.dane.test "));
    }
}
