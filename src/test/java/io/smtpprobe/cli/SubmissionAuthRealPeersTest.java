package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.core.Credentials;
import io.smtpprobe.testsupport.SubmissionPostfix;
import io.smtpprobe.testsupport.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code check --auth-user} against a real Postfix with Cyrus SASL: the submission service on
 * STARTTLS (587's way) and on implicit TLS (465's way). The right password sends, a wrong one is
 * AuthenticationFailed, and neither the password nor its base64 forms appear in anything check printed.
 */
@Tag("real")
class SubmissionAuthRealPeersTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "Corr3ct-Horse-Battery";
    private static final String WRONG = "Wr0ng-Horse-Battery";

    private static Path dir;
    private static SubmissionPostfix submission;
    private static SubmissionPostfix implicit;

    @BeforeAll
    static void startSubmissionServices() throws Exception {
        dir = Files.createTempDirectory("submission");
        TestCertificates.writePem(TestCertificates.selfSigned(SubmissionPostfix.HOST_NAME, TestCertificates.KeyType.RSA), dir);
        Files.writeString(dir.resolve("right"), PASSWORD + "\n");
        Files.writeString(dir.resolve("wrong"), WRONG + "\n");
        submission = SubmissionPostfix.start(dir, "submit.test", USER, PASSWORD, false);
        implicit = SubmissionPostfix.start(dir, "submit.test", USER, PASSWORD, true);
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable service : new AutoCloseable[] {submission, implicit}) {
            if (service != null) {
                service.close();
            }
        }
    }

    record Run(int exit, String out, String err) {
        JsonNode server() throws Exception {
            return new ObjectMapper().readTree(out).get("domains").get(0).get("servers").get(0);
        }
    }

    private static Run check(SubmissionPostfix service, String... args) {
        List<String> all = new ArrayList<>(List.of("--server", service.host() + ":" + service.port(),
                "--ehlo", "probe.submit.test", "--mail-from", "alice@submit.test", "--rcpt-to", "bob@elsewhere.test",
                "--command-timeout", "5s", "--timeout", "20s", "--insecure"));
        all.addAll(List.of(args));
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int exit = CheckCommand.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertNoSecretIn(String printed, String password) {
        var encoder = Base64.getEncoder();
        for (String form : new Credentials(USER, password).secretForms()) {
            assertThat(printed).doesNotContain(form);
        }
        assertThat(printed).doesNotContain(encoder.encodeToString(USER.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theRightPasswordOverStartTlsLogsInAndTheRelayAccepts() throws Exception {
        Run run = check(submission, "--tls", "required", "--json", "--auth-user", USER,
                "--auth-password-file", dir.resolve("right").toString());

        assertThat(run.exit).as(run.out + run.err + submission.maillog()).isZero();
        JsonNode server = run.server();
        assertThat(server.get("reason").asText()).isEqualTo("Accepted");
        assertThat(server.get("transcript").toString()).contains("C: AUTH PLAIN <redacted>",
                "S: 235 2.7.0 Authentication successful");
        assertThat(server.get("extensions").toString()).contains("AUTH PLAIN LOGIN");
        assertNoSecretIn(run.out + run.err, PASSWORD);
        assertThat(submission.maillog()).contains("sasl_method=PLAIN, sasl_username=alice");
    }

    @Test
    void loginIsUsedWhenAskedForAndShowsNeitherAnswer() throws Exception {
        Run run = check(submission, "--tls", "required", "--auth-user", USER, "--auth-mechanism", "login",
                "--auth-password-file", dir.resolve("right").toString());

        assertThat(run.exit).as(run.out + run.err).isZero();
        assertThat(run.out).contains("AUTH LOGIN", "334 VXNlcm5hbWU6", "<redacted>", "334 UGFzc3dvcmQ6",
                "235 2.7.0 Authentication successful");
        assertNoSecretIn(run.out + run.err, PASSWORD);
    }

    @Test
    void aWrongPasswordIsAuthenticationFailedWithPostfixsOwnReply() throws Exception {
        Run run = check(submission, "--tls", "required", "--json", "--auth-user", USER,
                "--auth-password-file", dir.resolve("wrong").toString());

        assertThat(run.exit).isEqualTo(CheckCommand.EXIT_FAILED);
        JsonNode server = run.server();
        assertThat(server.get("reason").asText()).isEqualTo("AuthenticationFailed");
        assertThat(server.get("stage").asText()).isEqualTo("Auth");
        assertThat(server.get("reply").get("code").asInt()).isEqualTo(535);
        assertThat(server.get("reply").get("text").asText()).isEqualTo("5.7.8 Error: authentication failed: authentication failure");
        assertNoSecretIn(run.out + run.err, WRONG);
    }

    @Test
    void withoutALoginTheSubmissionServiceRefusesToRelay() throws Exception {
        Run run = check(submission, "--tls", "required", "--json");

        assertThat(run.server().get("reason").asText()).isEqualTo("RelayDenied");
        assertThat(run.server().get("transcript").toString()).doesNotContain("C: AUTH");
    }

    @Test
    void implicitTlsLogsInToo() throws Exception {
        Run run = check(implicit, "--tls", "implicit", "--json", "--auth-user", USER,
                "--auth-password-env", "SMTP_PROBE_TEST_UNSET_VARIABLE");
        assertThat(run.exit).as("an unset variable is invalid input").isEqualTo(CheckCommand.EXIT_USAGE);

        Run right = check(implicit, "--tls", "implicit", "--json", "--auth-user", USER,
                "--auth-password-file", dir.resolve("right").toString());
        assertThat(right.exit).as(right.out + right.err).isZero();
        assertThat(right.server().get("tls").get("protocol").asText()).startsWith("TLSv1.");
        assertNoSecretIn(right.out + right.err, PASSWORD);
    }
}
