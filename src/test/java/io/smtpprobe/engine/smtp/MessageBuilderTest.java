package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.Reply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageBuilderTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    @Test
    void lineEndsAreNormalisedToCrlf() {
        assertThat(MessageBuilder.normaliseLineEnds("a\nb\rc\r\nd")).isEqualTo("a\r\nb\r\nc\r\nd");
    }

    @Test
    void leadingDotsAreDoubled() {
        assertThat(MessageBuilder.dotStuff(".start\r\n.\r\nmid.dle\r\n..two"))
                .isEqualTo("..start\r\n..\r\nmid.dle\r\n...two");
    }

    @Test
    void messageHasHeadersBodyAndTerminator() {
        String message = MessageBuilder.build(new MessageContent("Probe", "hello\n.\nbye"),
                "probe@probe.test", List.of("a@example.test"), "probe.test", CLOCK);

        assertThat(message)
                .contains("Subject: Probe\r\n", "From: <probe@probe.test>\r\n", "To: <a@example.test>\r\n",
                        "Date: Fri, 2 Jan 2026 03:04:05 GMT\r\n", "Message-ID: <")
                .contains("\r\n\r\nhello\r\n..\r\nbye\r\n.\r\n")
                .endsWith("bye\r\n.\r\n");
        assertThat(message.replace("\r\n", "")).doesNotContain("\r", "\n");
    }

    @Test
    void subjectWithLineBreakIsRefused() {
        assertThatThrownBy(() -> MessageBuilder.build(new MessageContent("x\r\nBcc: victim@example.test", "b"),
                "", List.of("a@example.test"), "probe.test", CLOCK))
                .hasMessageContaining("line break");
    }

    @Test
    void queueIdIsFoundInCommonServerReplies() {
        assertThat(QueueIdExtractor.extract(Reply.of(250, List.of("2.0.0 Ok: queued as 4Xyz")))).isEqualTo("4Xyz");
        assertThat(QueueIdExtractor.extract(Reply.of(250, List.of("OK id=1tAbCd-0001Xy-AB")))).isEqualTo("1tAbCd-0001Xy-AB");
        assertThat(QueueIdExtractor.extract(Reply.of(250, List.of("2.0.0 5AB1c2D3012345 Message accepted for delivery"))))
                .isEqualTo("5AB1c2D3012345");
        assertThat(QueueIdExtractor.extract(Reply.of(250, List.of("Ok")))).isNull();
    }
}
