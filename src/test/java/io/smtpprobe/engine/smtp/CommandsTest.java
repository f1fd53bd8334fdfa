package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Notify;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the probe may put on the wire, checked before it connects. */
class CommandsTest {

    private final TestOptions options = new TestOptions();

    @Test
    void linesAreCountedInUtf8OctetsWithTheirCrlf() {
        assertThat(Commands.octets("QUIT")).isEqualTo(6);
        assertThat(Commands.octets("RCPT TO:<ü@example.test>")).isEqualTo(27);
    }

    @Test
    void smtpUtf8IsNeededForAnyNonAsciiPathOnly() {
        assertThat(Commands.needsSmtpUtf8(options.build())).isFalse();

        options.rcptTo = List.of("postmaster@example.test", "jürgen@example.test");

        assertThat(Commands.needsSmtpUtf8(options.build())).isTrue();
        assertThat(Commands.mailFrom("probe@probe.test", true)).isEqualTo("MAIL FROM:<probe@probe.test> SMTPUTF8");
    }

    @Test
    void theLongestPossibleCommandIsFoundBeforeConnecting() {
        assertThat(Commands.firstTooLong(options.build())).isNull();

        // 9 + 1 + 490 + 1 + 12 = 513 octets with CRLF only once DSN's NOTIFY is counted
        options.rcptTo = List.of("a".repeat(490) + "@example.test");
        options.dsnNotify = Set.of(Notify.SUCCESS);

        assertThat(Commands.firstTooLong(options.build())).startsWith("RCPT TO:<aaa").endsWith("> NOTIFY=SUCCESS");
    }

    @Test
    void smtpUtf8CountsTowardsTheMailFromLine() {
        // "MAIL FROM:<" 11 + path + ">" 1 + " SMTPUTF8" 9 + CRLF 2
        options.mailFrom = "ü".repeat(244) + "@x";

        assertThat(Commands.octets(Commands.mailFrom(options.mailFrom, false))).isEqualTo(504);
        assertThat(Commands.firstTooLong(options.build())).endsWith("> SMTPUTF8");
    }
}
