package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.Notify;
import io.smtpprobe.core.TlsMode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

class CheckArgumentsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CheckCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> invalidInputs() {
        return java.util.stream.Stream.of(
                new String[] {"--mail-from", "a@b.test\r\nRCPT TO:<victim@c.test>"},
                new String[] {"--rcpt-to", "user@b.test\n"},
                new String[] {"--ehlo", "probe\u0000.test"},
                new String[] {"--subject", "hi\rthere"},
                new String[] {"--port", "70000"},
                new String[] {"--port", "0"},
                new String[] {"--timeout", "10"},
                new String[] {"--connect-timeout", "-1s"},
                new String[] {"--tls", "sometimes"},
                new String[] {"--mx-policy", "random"},
                new String[] {"--notify", "never,success"},
                new String[] {"--server", "mx.test:99999"},
                new String[] {"--rcpt-to", "not-an-address"},
                new String[] {"--dns-server", "127.0.0.1:0"},
                new String[] {"--deny-network", "10.0.0.0/40"})
                .map(a -> org.junit.jupiter.params.provider.Arguments.of(a[0], a[1]));
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("invalidInputs")
    void invalidInputExitsThreeNamingTheFieldBeforeAnyConnection(String option, String value) {
        int code = run(option, value, "contoso.test");
        assertThat(code).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("check: invalid " + option + ":")
                .doesNotContain("\r").doesNotContain("\u0000");
        assertThat(out.size()).isZero();
    }

    @Test
    void aHostileDomainArgumentIsRefused() {
        assertThat(run("contoso.test\r\nQUIT")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("DOMAIN:");
    }

    @Test
    void noDomainAndNoServerIsAUsageError() {
        assertThat(run("--json")).isEqualTo(3);
    }

    @Test
    void unknownOptionsAreRefused() {
        assertThat(run("--frobnicate", "x", "contoso.test")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--frobnicate: unknown option");
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: smtp-probe check");
    }

    @Test
    void optionsParseInBothSpellings() {
        CheckArguments.Parsed a = CheckArguments.parse(new String[] {
            "--server=127.0.0.1:2525", "--rcpt-to", "<User@Contoso.test>", "--notify", "success,delay",
            "--tls", "required", "--mx-policy=all", "--timeout", "1m30s", "--json", "contoso.test"});
        var request = a.request();
        assertThat(request.servers()).containsExactly(new HostPort("127.0.0.1", 2525, "127.0.0.1:2525"));
        assertThat(request.options().rcptTo()).containsExactly("User@contoso.test");
        assertThat(request.options().dsnNotify()).containsExactlyInAnyOrder(Notify.SUCCESS, Notify.DELAY);
        assertThat(request.options().tlsMode()).isEqualTo(TlsMode.Required);
        assertThat(request.mxPolicy()).isEqualTo(MxPolicy.All);
        assertThat(request.options().timeouts().total()).isEqualTo(Duration.ofSeconds(90));
        assertThat(a.json()).isTrue();
        assertThat(request.domains()).containsExactly("contoso.test");
    }

    @Test
    void implicitTlsDefaultsToPort465() {
        assertThat(CheckArguments.parse(new String[] {"--tls", "implicit", "contoso.test"}).request().port()).isEqualTo(465);
        assertThat(CheckArguments.parse(new String[] {"--tls", "implicit", "--port", "2465", "contoso.test"}).request().port()).isEqualTo(2465);
    }

    @Test
    void aDomainThatLooksLikeAShortOptionIsJudgedAsADomain() {
        assertThat(run("-bad.test")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("check: invalid DOMAIN:");
    }

    @Test
    void anArgumentFileIsNeverRead() {
        // picocli would expand @FILE into arguments; here it is just a malformed domain.
        assertThat(run("@/etc/hostname")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("check: invalid DOMAIN:");
    }

    @Test
    void aRepeatedSingleValuedOptionTakesTheLastValue() {
        var a = CheckArguments.parse(new String[] {"--port", "2525", "--port", "2526", "contoso.test"});
        assertThat(a.request().port()).isEqualTo(2526);
    }

    @Test
    void aMissingOptionValueNamesTheOption() {
        assertThat(run("contoso.test", "--mail-from")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("check: invalid --mail-from: missing value\nTry 'check --help'.\n");
    }

    @Test
    void everyProblemIsReportedEachNamingItsOption() {
        assertThat(run("--port", "0", "--rcpt-to", "a(b)@x.test", "contoso.test")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8).lines()).containsExactly(
                "check: invalid --port: port 0 out of range 1..65535",
                "check: invalid --rcpt-to: invalid local part in 'a(b)@x.test'",
                "Try 'check --help'.");
    }

    @Test
    void helpListsEveryDocumentedOption() {
        assertThat(run("--help")).isZero();
        String usage = out.toString(StandardCharsets.UTF_8);
        for (String option : new String[] {"--server", "--port", "--dns-server", "--ehlo", "--mail-from", "--rcpt-to", "--notify",
            "--tls", "--insecure", "--data", "--connect-timeout", "--command-timeout", "--timeout", "--mx-policy",
            "--deny-network", "--json"}) {
            assertThat(usage).contains(option);
        }
        assertThat(usage).contains("Exit codes: 0 every domain accepted, 1 worst is transient (4xx, DNS SERVFAIL), 2 failure, 3 invalid input.");
    }

    @Test
    void aValueGivenToAFlagNamesTheFlag() {
        assertThat(run("--json=yes", "contoso.test")).isEqualTo(3);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("check: invalid --json:");
    }
}
