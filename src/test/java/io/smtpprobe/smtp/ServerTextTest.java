package io.smtpprobe.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerTextTest {

    @Test
    void controlCharactersAreEscapedVisibly() {
        assertThat(ServerText.sanitize("a\r\nb\u001b[31mc\u0000d\u007fe\u0085f", 100))
                .isEqualTo("a\\x0d\\x0ab\\x1b[31mc\\x00d\\x7fe\\x85f");
    }

    @Test
    void bidiOverridesAreEscaped() {
        assertThat(ServerText.sanitize("ok\u202egnp.exe", 100)).isEqualTo("ok\\u202egnp.exe");
    }

    @Test
    void longTextIsTruncatedToTheLimit() {
        String sanitized = ServerText.sanitize("x".repeat(10_000), 512);

        assertThat(sanitized).hasSize(512).endsWith("...");
    }

    @Test
    void escapingCannotPushTextBeyondTheLimit() {
        assertThat(ServerText.sanitize("\u0000".repeat(1000), 50)).hasSizeLessThanOrEqualTo(50);
    }

    @Test
    void printableTextIsUnchanged() {
        assertThat(ServerText.sanitize("250 2.0.0 Ok: queued as 4Xyz — ü", 512))
                .isEqualTo("250 2.0.0 Ok: queued as 4Xyz — ü");
    }

    @Test
    void commandGuardSpotsLineBreaksAndNul() {
        assertThat(ServerText.hasControlCharacter("probe.test\r\nRCPT TO:<x@y.test>")).isTrue();
        assertThat(ServerText.hasControlCharacter("a\u0000b")).isTrue();
        assertThat(ServerText.hasControlCharacter("MAIL FROM:<probe@probe.test>")).isFalse();
    }
}
