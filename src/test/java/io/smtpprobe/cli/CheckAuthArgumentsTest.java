package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.core.AuthMechanism;
import io.smtpprobe.request.InvalidInputException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --auth-user} with a password from a file or the environment; never from argv, never echoed. */
class CheckAuthArgumentsTest {

    private static final String PASSWORD = "s3cret-Passw0rd!";

    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CheckCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String passwordFile(String content) throws IOException {
        Path file = dir.resolve("password");
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file.toString();
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void thePasswordFileGivesTheLoginWithoutItsLineEnd() throws Exception {
        var parsed = CheckArguments.parse(new String[] {"--server", "127.0.0.1:587", "--rcpt-to", "bob@contoso.test",
            "--auth-user", "alice", "--auth-password-file", passwordFile(PASSWORD + "\n"), "--auth-mechanism", "login"});

        var auth = parsed.request().options().auth();
        assertThat(auth.credentials().username()).isEqualTo("alice");
        assertThat(auth.credentials().password()).isEqualTo(PASSWORD);
        assertThat(auth.mechanism()).isEqualTo(AuthMechanism.LOGIN);
        assertThat(auth.allowPlaintext()).isFalse();
        assertThat(parsed.request().toString()).doesNotContain(PASSWORD).contains("password=<redacted>");
    }

    @Test
    void thePasswordComesFromTheNamedEnvironmentVariable() {
        assertThat(PasswordSource.read(null, "SUBMISSION_PASSWORD", Map.of("SUBMISSION_PASSWORD", PASSWORD)::get))
                .isEqualTo(PASSWORD);
        assertThatThrownBy(() -> PasswordSource.read(null, "UNSET_VARIABLE", Map.<String, String>of()::get))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("'UNSET_VARIABLE' is not set");
        assertThatThrownBy(() -> PasswordSource.read("/some/file", "VAR", Map.<String, String>of()::get))
                .hasMessageContaining("not both");
    }

    @Test
    void thereIsNoOptionThatTakesThePasswordOnTheCommandLine() {
        int exit = run("--server", "127.0.0.1:587", "--auth-user", "alice", "--auth-password", PASSWORD, "contoso.test");

        assertThat(exit).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(printed()).contains("--auth-password: unknown option").doesNotContain(PASSWORD);
    }

    @Test
    void aControlCharacterInThePasswordIsRefusedWithoutQuotingIt() throws Exception {
        int exit = run("--server", "127.0.0.1:587", "--auth-user", "alice", "--auth-password-file",
                passwordFile(PASSWORD + "\r\nQUIT\n"), "contoso.test");

        assertThat(exit).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(printed()).contains("--auth-password-file or --auth-password-env: control character \\x0d at position 16")
                .doesNotContain(PASSWORD);
    }

    @Test
    void aUserNeedsAPasswordAndAnOverlongOneIsRefused() throws Exception {
        assertThat(run("--auth-user", "alice", "contoso.test")).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(printed()).contains("--auth-password-file or --auth-password-env: required with a user name");

        err.reset();
        assertThat(run("--auth-user", "alice", "--auth-password-file", passwordFile("x".repeat(129)), "contoso.test"))
                .isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(printed()).contains("longer than 128 characters").doesNotContain("x".repeat(129));
    }

    @Test
    void authWithTlsDisabledNeedsPlaintextAllowedExplicitly() throws Exception {
        String file = passwordFile(PASSWORD);
        assertThat(run("--tls", "disabled", "--auth-user", "alice", "--auth-password-file", file, "contoso.test"))
                .isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(printed()).contains("--auth-allow-plaintext: AUTH is sent only over TLS");

        var parsed = CheckArguments.parse(new String[] {"--tls", "disabled", "--auth-user", "alice",
            "--auth-password-file", file, "--auth-allow-plaintext", "contoso.test"});
        assertThat(parsed.request().options().auth().allowPlaintext()).isTrue();
    }

    @Test
    void mechanismWithoutAUserIsRefused() {
        assertThat(run("--auth-mechanism", "plain", "contoso.test")).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(printed()).contains("--auth-user: required with --auth-mechanism");
    }
}
