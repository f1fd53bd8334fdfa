package io.smtpprobe.core;

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

    @Test
    void invisibleFormatCharactersOutsideTheBmpAreEscaped() {
        String tagged = "ok" + new String(Character.toChars(0xE0001)) + new String(Character.toChars(0xE0041)) + "end";

        assertThat(ServerText.sanitize(tagged, 100)).isEqualTo("ok\\U000e0001\\U000e0041end");
    }

    @Test
    void everyFormatCharacterIsEscaped() {
        assertThat(ServerText.sanitize("a\u200bb\u2066c\ufeffd", 100)).isEqualTo("a\\u200bb\\u2066c\\ufeffd");
    }

    @Test
    void lineSeparatorsAreEscapedAsUnicode() {
        assertThat(ServerText.sanitize("a\u2028b\u2029c", 100)).isEqualTo("a\\u2028b\\u2029c");
    }

    @Test
    void backslashIsEscapedSoAServerCannotFakeAnEscape() {
        assertThat(ServerText.sanitize("550 \\x0d\\x0a forged", 100)).isEqualTo("550 \\\\x0d\\\\x0a forged");
    }

    @Test
    void unpairedSurrogatesAreEscaped() {
        assertThat(ServerText.sanitize("a\ud800b\udc00", 100)).isEqualTo("a\\ud800b\\udc00");
    }

    @Test
    void visibleCharactersOutsideTheBmpAreKept() {
        String emoji = "queued \ud83d\udce8";

        assertThat(ServerText.sanitize(emoji, 100)).isSameAs(emoji);
    }

    @Test
    void truncationNeverSplitsASurrogatePair() {
        String mail = "\ud83d\udce8".repeat(20);

        String sanitized = ServerText.sanitize(mail, 10);

        assertThat(sanitized).isEqualTo("\ud83d\udce8".repeat(3) + "...");
    }

    @Test
    void truncationNeverSplitsAnEscape() {
        assertThat(ServerText.sanitize("ab\u0000\u0000\u0000", 10)).isEqualTo("ab\\x00...");
    }

    @Test
    void plainAsciiIsReturnedWithoutCopying() {
        String reply = "250 2.0.0 Ok: queued as 4Xyz";

        assertThat(ServerText.sanitize(reply, 512)).isSameAs(reply);
    }

    @Test
    void commandGuardSpotsUnicodeLineSeparators() {
        assertThat(ServerText.hasControlCharacter("probe.test\u2028RCPT TO:<x@y.test>")).isTrue();
    }

    @Test
    void capShortensSafeTextWithoutEscapingItAgain() {
        assertThat(ServerText.cap("a\\\\x0d" + "b".repeat(20), 10)).isEqualTo("a\\\\x0db...");
        assertThat(ServerText.cap("short \\\\", 10)).isEqualTo("short \\\\");
    }

    @Test
    void capNeverSplitsASurrogatePair() {
        assertThat(ServerText.cap("abcd\ud83d\udce8efgh", 8)).isEqualTo("abcd...");
    }

    @Test
    void guardKeepsEscapedTextAndEscapesTextThatWasNeverSanitised() {
        assertThat(ServerText.guard("already \\x0d escaped", 100)).isEqualTo("already \\x0d escaped");
        assertThat(ServerText.guard("raw\r\nC1\u0085sep\u2028", 100)).isEqualTo("raw\\x0d\\x0aC1\\x85sep\\u2028");
        assertThat(ServerText.guard("x".repeat(50), 10)).isEqualTo("xxxxxxx...");
        assertThat(ServerText.guard(null, 10)).isNull();
    }

    @Test
    void detailIsSanitisedAndCutOnce() {
        assertThat(ServerText.detail("Connection refused\r\n")).isEqualTo("Connection refused\\x0d\\x0a");
        assertThat(ServerText.detail("y".repeat(1000))).hasSize(ServerText.MAX_DETAIL).endsWith("...");
    }
}
