package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code --greylist-retry} and {@code --egress-control}: judged before any connection, like every option. */
class GreylistAndEgressOptionsTest {

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--greylist-retry, 5 minutes, invalid duration",
        "--greylist-retry, -5m, invalid duration",
        "--egress-control, mx.control.test, needs a port",
        "--egress-control, mx.control.test:0, port",
        "--egress-control, 999.1.1.1:25, neither a valid IP address nor a domain name",
    })
    void invalidValuesExitThreeNamingTheOption(String option, String value, String problem) {
        var err = new ByteArrayOutputStream();
        var out = new ByteArrayOutputStream();
        int code = CheckCommand.run(new String[] {option, value, "contoso.test"}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("check: invalid " + option + ":").contains(problem);
        assertThat(out.size()).isZero();
    }

    @Test
    void aControlCharacterInTheControlTargetIsRefused() {
        var err = new ByteArrayOutputStream();
        int code = CheckCommand.run(new String[] {"--egress-control", "mx.test\r\nQUIT:25", "contoso.test"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("check: invalid --egress-control:").doesNotContain("\r");
    }

    @Test
    void theGreylistRetryIsOffUnlessAskedForAndZeroIsOff() {
        assertThat(CheckArguments.parse(new String[] {"contoso.test"}).request().greylistRetry()).isZero();
        assertThat(CheckArguments.parse(new String[] {"--greylist-retry", "0s", "contoso.test"}).request().greylistRetry()).isZero();
        assertThat(CheckArguments.parse(new String[] {"--greylist-retry", "5m", "contoso.test"}).request().greylistRetry())
                .isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void theControlTargetIsProbedOnTheFirstFailureWithinTheDialoguesDeadlines() {
        var parsed = CheckArguments.parse(new String[] {"--egress-control", "[::1]:2525", "--connect-timeout", "2s",
            "--command-timeout", "3s", "contoso.test"});
        assertThat(parsed.egressControl().target().host()).isEqualTo("::1");
        assertThat(parsed.egressControl().target().port()).isEqualTo(2525);
        assertThat(parsed.egressControl().failingDomains()).isEqualTo(1);
        assertThat(parsed.egressControl().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(CheckArguments.parse(new String[] {"contoso.test"}).egressControl()).isNull();
    }

    @Test
    void helpListsBothOptions() {
        assertThat(CheckArguments.usage()).contains("--greylist-retry").contains("--egress-control");
    }
}
