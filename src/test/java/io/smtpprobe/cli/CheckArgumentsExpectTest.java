package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DomainResult;
import io.smtpprobe.core.Expectation;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckArgumentsExpectTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return CheckCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void expectTakesAListOfReasonsAndTheCodes() {
        var parsed = CheckArguments.parse(new String[] {"--expect", "RecipientUnknown,RelayDenied", "--expect", "StartTlsNotOffered",
            "--expect-code", "550", "--expect-enhanced", "5.1.1", "contoso.test"});

        assertThat(parsed.expectation()).isEqualTo(new Expectation(
                Set.of(Reason.RecipientUnknown, Reason.RelayDenied, Reason.StartTlsNotOffered), 550, "5.1.1"));
    }

    @Test
    void withoutExpectTheExpectationIsAcceptance() {
        assertThat(CheckArguments.parse(new String[] {"contoso.test"}).expectation()).isEqualTo(Expectation.NONE);
    }

    @Test
    void anUnknownReasonExitsThreeListingTheValidOnesBeforeAnyConnection() {
        int code = run("--expect", "UserUnknown", "contoso.test");

        assertThat(code).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("check: invalid --expect: unknown reason 'UserUnknown' (one of Accepted, ")
                .contains("RecipientUnknown, RelayDenied");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void badCodesExitThreeNamingTheOption() {
        assertThat(run("--expect-code", "600", "contoso.test")).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(run("--expect-enhanced", "5.x.1", "contoso.test")).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("check: invalid --expect-code:", "check: invalid --expect-enhanced:");
    }

    static ProbeReport oneDomain(Reason reason, int code, String text) {
        var server = ServerResult.builder().host("mx.fabrikam.test").address("127.0.0.2").port(2525).stage(Stage.RcptTo)
                .reply(Reply.of(code, List.of(text))).reason(reason).build();
        var domain = new DomainResult("fabrikam.test", server.outcome(), reason, null, List.of(), List.of(server));
        return new ProbeReport(server.outcome(), reason, List.of(domain));
    }

    @Test
    void theExitCodeFollowsTheExpectationWhateverTheOutcome() {
        var unknownUser = oneDomain(Reason.RecipientUnknown, 550, "5.1.1 User unknown");
        var accepted = oneDomain(Reason.Accepted, 250, "2.1.5 Ok");
        var greylisted = oneDomain(Reason.Greylisted, 450, "4.7.1 Try later");
        var expectUnknown = new Expectation(Set.of(Reason.RecipientUnknown), null, null);

        assertThat(CheckCommand.exitCode(unknownUser, expectUnknown)).isEqualTo(CheckCommand.EXIT_OK);
        assertThat(CheckCommand.exitCode(accepted, expectUnknown)).isEqualTo(CheckCommand.EXIT_FAILED);
        assertThat(CheckCommand.exitCode(greylisted, expectUnknown)).as("not as expected, though transient").isEqualTo(CheckCommand.EXIT_FAILED);
        assertThat(CheckCommand.exitCode(unknownUser, Expectation.NONE)).isEqualTo(CheckCommand.EXIT_FAILED);
        assertThat(CheckCommand.exitCode(greylisted, Expectation.NONE)).isEqualTo(CheckCommand.EXIT_TRANSIENT);
        assertThat(CheckCommand.exitCode(accepted, Expectation.NONE)).isEqualTo(CheckCommand.EXIT_OK);
    }

    @Test
    void helpNamesTheOptionsAndTheirExitCodes() {
        assertThat(CheckArguments.usage()).contains("--expect=REASON[,REASON...]", "--expect-code=CODE", "--expect-enhanced=X.Y.Z",
                "With --expect, --expect-code or --expect-enhanced: 0 every domain as expected, 2 not, 3 invalid input.");
    }
}
