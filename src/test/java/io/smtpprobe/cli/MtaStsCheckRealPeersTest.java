package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.engine.sts.StsSettings;
import io.smtpprobe.testsupport.Dnsmasq;
import io.smtpprobe.testsupport.Nginx;
import io.smtpprobe.testsupport.Postfix;
import io.smtpprobe.testsupport.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * MTA-STS and TLS-RPT through {@code check --json}, each case against real servers on loopback:
 * dnsmasq serves the {@code _mta-sts} and {@code _smtp._tls} TXT records and the MX records, a real
 * nginx serves the policies over HTTPS with certificates of a CA only this test trusts, and real
 * Postfix instances are the MX hosts (one without STARTTLS, one with a self-signed certificate).
 */
@Tag("real")
class MtaStsCheckRealPeersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ENFORCE_ANY_MX = policy("enforce", "*.%s");

    static Postfix plain;
    static Postfix selfSigned;
    static Nginx https;
    static Dnsmasq dns;
    static StsSettings sts;
    static final List<String> DOMAINS = List.of("valid.test", "mismatch.test", "testing.test", "expired.test",
            "wrongname.test", "untrusted.test", "redirect.test", "oversized.test", "slow.test", "malformed.test",
            "html.test", "twotxt.test", "nopolicy.test", "nofile.test");

    /** A policy whose mx line is {@code mx} with {@code %s} replaced by the domain. */
    private static String policy(String mode, String mx) {
        return "version: STSv1\r\nmode: " + mode + "\r\nmx: " + mx + "\r\nmax_age: 86400\r\n";
    }

    /** nginx (OpenSSL 3) cannot read BouncyCastle's EC private keys, as Postfix cannot. */
    private static TestCertificates.Issued rsa(TestCertificates.Issued ca, String name) {
        Instant now = Instant.now();
        return TestCertificates.server(ca, name, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(90)),
                TestCertificates.KeyType.RSA);
    }

    @BeforeAll
    static void startPeers() throws Exception {
        var ca = TestCertificates.authority("MTA-STS Test CA");
        var otherCa = TestCertificates.authority("Unknown CA");
        Instant now = Instant.now();
        var builder = Nginx.builder()
                .policy("mta-sts.valid.test", rsa(ca, "mta-sts.valid.test"), ENFORCE_ANY_MX.formatted("valid.test"))
                .policy("mta-sts.mismatch.test", rsa(ca, "mta-sts.mismatch.test"),
                        policy("enforce", "mx.elsewhere.test"))
                .policy("mta-sts.testing.test", rsa(ca, "mta-sts.testing.test"),
                        policy("testing", "mx.elsewhere.test"))
                .policy("mta-sts.expired.test", TestCertificates.server(ca, "mta-sts.expired.test",
                        now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)), TestCertificates.KeyType.RSA), ENFORCE_ANY_MX.formatted("expired.test"))
                .policy("mta-sts.wrongname.test", rsa(ca, "www.wrongname.test"),
                        ENFORCE_ANY_MX.formatted("wrongname.test"))
                .policy("mta-sts.untrusted.test", rsa(otherCa, "mta-sts.untrusted.test"),
                        ENFORCE_ANY_MX.formatted("untrusted.test"))
                .site("mta-sts.redirect.test", rsa(ca, "mta-sts.redirect.test"), null,
                        "return 301 https://mta-sts.valid.test/.well-known/mta-sts.txt;")
                // a valid policy padded with extension keys to 100 KiB: only the size limit refuses it
                .policy("mta-sts.oversized.test", rsa(ca, "mta-sts.oversized.test"),
                        ENFORCE_ANY_MX.formatted("oversized.test") + "x-pad: " + "a".repeat(100 * 1024) + "\r\n")
                .site("mta-sts.slow.test", rsa(ca, "mta-sts.slow.test"),
                        ENFORCE_ANY_MX.formatted("slow.test") + "x-pad: " + "a".repeat(4000) + "\r\n",
                        "default_type text/plain; limit_rate 100;")
                .policy("mta-sts.malformed.test", rsa(ca, "mta-sts.malformed.test"),
                        "version: STSv1\r\nmode: strict\r\nmx: *.malformed.test\r\nmax_age: 86400\r\n")
                .site("mta-sts.html.test", rsa(ca, "mta-sts.html.test"), ENFORCE_ANY_MX.formatted("html.test"),
                        "default_type text/html;")
                .policy("mta-sts.twotxt.test", rsa(ca, "mta-sts.twotxt.test"), ENFORCE_ANY_MX.formatted("twotxt.test"))
                .site("mta-sts.nofile.test", rsa(ca, "mta-sts.nofile.test"), null, "default_type text/plain;")
                .policy("mta-sts.notls.test", rsa(ca, "mta-sts.notls.test"), ENFORCE_ANY_MX.formatted("notls.test"))
                .policy("mta-sts.badcert.test", rsa(ca, "mta-sts.badcert.test"), ENFORCE_ANY_MX.formatted("badcert.test"))
                .policy("mta-sts.badcerttesting.test", rsa(ca, "mta-sts.badcerttesting.test"),
                        policy("testing", "*.badcerttesting.test"));
        https = builder.start();

        var postfix = Postfix.builder().myhostname("mx.valid.test");
        for (String d : DOMAINS) {
            postfix.catchAllDomain(d);
        }
        plain = postfix.catchAllDomain("notls.test").start();
        Path tlsDir = Files.createTempDirectory("tls");
        TestCertificates.writePem(TestCertificates.selfSigned("mx.badcert.test", TestCertificates.KeyType.RSA), tlsDir);
        selfSigned = Postfix.builder().myhostname("mx.badcert.test").catchAllDomain("badcert.test")
                .catchAllDomain("badcerttesting.test")
                .startTls(tlsDir.resolve("cert.pem"), tlsDir.resolve("key.pem")).start();

        var zone = Dnsmasq.builder();
        for (String d : concat(DOMAINS, List.of("notls.test", "badcert.test", "badcerttesting.test"))) {
            zone.mx(d, "mx." + d, 10).host("mx." + d, "127.0.0.1").host("mta-sts." + d, "127.0.0.1");
            if (!d.equals("nopolicy.test")) {
                zone.txt("_mta-sts." + d, "v=STSv1; id=20260101T000000");
            }
        }
        zone.txt("_mta-sts.twotxt.test", "v=STSv1; id=second");
        zone.txt("_smtp._tls.valid.test", "v=TLSRPTv1; rua=mailto:tlsrpt@valid.test,https://tlsrpt.valid.test/v1");
        dns = zone.start();

        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(TestCertificates.trustStore(ca.certificate()));
        sts = StsSettings.defaults().forTests(https.port(), trust).withFetchTimeout(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stopPeers() {
        for (AutoCloseable c : new AutoCloseable[] {plain, selfSigned, https, dns}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    record Run(int exit, JsonNode json, String stderr) {
        JsonNode domain(String name) {
            for (JsonNode d : json.get("domains")) {
                if (d.get("domain").asText().equals(name)) {
                    return d;
                }
            }
            throw new AssertionError("no domain " + name + " in " + json.toPrettyString());
        }

        JsonNode security(String name) {
            JsonNode t = domain(name).get("transportSecurity");
            assertThat(t).as("transportSecurity of " + name + " in " + domain(name).toPrettyString()).isNotNull();
            return t;
        }
    }

    private static Run check(Postfix mx, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--json", "--dns-server", dns.endpoint(), "--port", String.valueOf(mx.port())));
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CheckCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), sts);
        String stdout = out.toString(StandardCharsets.UTF_8);
        assertThat(stdout).as("stderr: " + err.toString(StandardCharsets.UTF_8)).startsWith("{");
        return new Run(exit, JSON.readTree(stdout), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertSecurity(Run run, String domain, String policyType, String mode, String result) {
        JsonNode t = run.security(domain);
        assertThat(t.get("policyType").asText()).as(domain + ": " + t + "\n" + https.accessLog() + "\n" + https.errorLog()).isEqualTo(policyType);
        assertThat(t.get("mode").isNull() ? null : t.get("mode").asText()).as(domain + ": " + t + "\n" + https.accessLog()).isEqualTo(mode);
        assertThat(t.get("result").asText()).as(domain + ": " + t).isEqualTo(result);
    }

    @Test
    void everyPolicyCaseGetsItsPolicyTypeAndRfc8460Result() throws Exception {
        // TLS is not used here, so only the policies and their mx patterns are judged (the TLS cases follow)
        List<String> args = new ArrayList<>(List.of("--tls", "disabled"));
        args.addAll(DOMAINS);
        Run run = check(plain, args.toArray(String[]::new));

        assertSecurity(run, "valid.test", "sts", "enforce", "success");
        assertThat(run.security("valid.test").get("policyId").asText()).isEqualTo("20260101T000000");
        assertThat(run.security("valid.test").get("tlsRptRua")).extracting(JsonNode::asText)
                .containsExactly("mailto:tlsrpt@valid.test", "https://tlsrpt.valid.test/v1");
        assertThat(run.domain("valid.test").get("reason").asText()).isEqualTo("Accepted");

        assertSecurity(run, "mismatch.test", "sts", "enforce", "validation-failure");
        assertThat(run.security("mismatch.test").get("failingMx")).extracting(JsonNode::asText).containsExactly("mx.mismatch.test");
        assertThat(run.security("mismatch.test").get("enforced").asBoolean()).isTrue();
        assertThat(run.domain("mismatch.test").get("reason").asText()).isEqualTo("MtaStsMxMismatch");
        assertThat(run.domain("mismatch.test").get("result").asText()).isEqualTo("PermanentFailure");

        assertSecurity(run, "testing.test", "sts", "testing", "validation-failure");
        assertThat(run.security("testing.test").get("enforced").asBoolean()).isFalse();
        assertThat(run.domain("testing.test").get("reason").asText()).isEqualTo("Accepted");

        for (String webPki : List.of("expired.test", "wrongname.test", "untrusted.test")) {
            assertSecurity(run, webPki, "sts", null, "sts-webpki-invalid");
            assertThat(run.security(webPki).get("reason").asText()).isEqualTo("MtaStsWebPkiInvalid");
            // no usable policy: a sender delivers as without one
            assertThat(run.domain(webPki).get("reason").asText()).isEqualTo("Accepted");
        }
        assertThat(run.security("expired.test").get("detail").asText()).contains("expired");
        for (String fetchError : List.of("redirect.test", "oversized.test", "slow.test", "html.test", "nofile.test")) {
            assertSecurity(run, fetchError, "sts", null, "sts-policy-fetch-error");
            assertThat(run.security(fetchError).get("reason").asText()).isEqualTo("MtaStsFetchFailed");
        }
        assertThat(run.security("redirect.test").get("detail").asText()).contains("301").contains("redirect");
        assertThat(run.security("oversized.test").get("detail").asText()).contains("65536");
        assertThat(run.security("slow.test").get("detail").asText()).contains("within 10000 ms");
        assertThat(run.security("html.test").get("detail").asText()).contains("text/html");
        assertThat(run.security("nofile.test").get("detail").asText()).contains("404");
        for (String invalid : List.of("malformed.test", "twotxt.test")) {
            assertSecurity(run, invalid, "sts", null, "sts-policy-invalid");
            assertThat(run.security(invalid).get("reason").asText()).isEqualTo("MtaStsPolicyInvalid");
        }
        assertThat(run.security("malformed.test").get("detail").asText()).contains("strict");
        assertSecurity(run, "nopolicy.test", "no-policy-found", null, "success");
        // one enforced failure fails the run
        assertThat(run.exit()).isEqualTo(CheckCommand.EXIT_FAILED);
        // the redirect was answered and not followed: the only request to mta-sts.valid.test is valid.test's own
        assertThat(https.accessLog().stream().filter(l -> l.startsWith("mta-sts.valid.test ")).count()).isEqualTo(1);
    }

    @Test
    void anEnforcePolicyFailsAnMxWithoutStartTls() throws Exception {
        Run run = check(plain, "notls.test");
        assertSecurity(run, "notls.test", "sts", "enforce", "starttls-not-supported");
        assertThat(run.domain("notls.test").get("reason").asText()).isEqualTo("MtaStsTlsFailed");
        assertThat(run.domain("notls.test").get("message").asText())
                .contains("MTA-STS enforce (id 20260101T000000): starttls-not-supported at mx.notls.test");
        assertThat(run.exit()).isEqualTo(CheckCommand.EXIT_FAILED);
    }

    @Test
    void anEnforcePolicyFailsAnUntrustedMxCertificateAndTestingOnlyReportsIt() throws Exception {
        Run run = check(selfSigned, "badcert.test", "badcerttesting.test");
        assertSecurity(run, "badcert.test", "sts", "enforce", "certificate-not-trusted");
        assertThat(run.domain("badcert.test").get("reason").asText()).isEqualTo("MtaStsTlsFailed");
        assertSecurity(run, "badcerttesting.test", "sts", "testing", "certificate-not-trusted");
        assertThat(run.domain("badcerttesting.test").get("reason").asText()).isEqualTo("Accepted");
    }

    @Test
    void ignoreMakesNoLookupAndNoBlock() throws Exception {
        Run run = check(plain, "--transport-security", "ignore", "--tls", "disabled", "mismatch.test");
        assertThat(run.domain("mismatch.test").has("transportSecurity")).isFalse();
        assertThat(run.domain("mismatch.test").get("reason").asText()).isEqualTo("Accepted");
        assertThat(run.exit()).isEqualTo(CheckCommand.EXIT_OK);
    }
}
