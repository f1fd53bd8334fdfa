package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Timeouts;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MessageTemplateTest {

    private static final Pattern MESSAGE_ID = Pattern.compile(
            "\r\nMessage-ID: <([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})@probe\\.test>\r\n");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    private static MessageTemplate template() {
        return MessageBuilder.template(new MessageContent("Probe", "hello\n.\nbye"), "probe@probe.test",
                List.of("a@example.test"), "probe.test");
    }

    @Test
    void eachRenderingHasItsOwnRandomMessageIdAndNothingElseDiffers() {
        MessageTemplate template = template();
        String first = template.render(CLOCK).toString(StandardCharsets.UTF_8);
        String second = template.render(CLOCK).toString(StandardCharsets.UTF_8);

        Matcher a = MESSAGE_ID.matcher(first);
        Matcher b = MESSAGE_ID.matcher(second);
        assertThat(a.find()).as(first).isTrue();
        assertThat(b.find()).as(second).isTrue();
        assertThat(a.group(1)).isNotEqualTo(b.group(1));
        assertThat(first.replace(a.group(1), "ID")).isEqualTo(second.replace(b.group(1), "ID"));
        assertThat(first).startsWith("Date: Fri, 2 Jan 2026 03:04:05 GMT\r\nFrom: <probe@probe.test>\r\n")
                .endsWith("\r\n\r\nhello\r\n..\r\nbye\r\n.\r\n");
    }

    @Test
    void dateFollowsTheClockAndItsZoneFromOneRenderingToTheNext() {
        MessageTemplate template = template();
        template.render(CLOCK);
        Clock later = Clock.fixed(Instant.parse("2026-01-02T03:04:06Z"), ZoneOffset.UTC);
        Clock elsewhere = Clock.fixed(Instant.parse("2026-01-02T03:04:06Z"), ZoneId.of("+02:00"));

        assertThat(template.render(later).toString(StandardCharsets.UTF_8)).startsWith("Date: Fri, 2 Jan 2026 03:04:06 GMT\r\n");
        assertThat(template.render(elsewhere).toString(StandardCharsets.UTF_8)).startsWith("Date: Fri, 2 Jan 2026 05:04:06 +0200\r\n");
    }

    @Test
    void sameContentAndEnvelopeShareOneTemplateWhateverTheOtherOptions() {
        MessageTemplates templates = new MessageTemplates();
        TestOptions options = new TestOptions();
        options.data = new MessageContent("Probe", "body");
        ProbeOptions probe = options.build();
        options.rcptTo = List.of("other@example.test");

        assertThat(templates.of(probe)).isSameAs(templates.of(probe.withTimeouts(new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(9)))));
        assertThat(templates.of(options.build())).isNotSameAs(templates.of(probe));
        assertThat(templates.of(options.build()).render(CLOCK).toString(StandardCharsets.UTF_8))
                .contains("\r\nTo: <other@example.test>\r\n");
    }

    @Test
    void anUnsafeMessageIsRefusedEveryTimeAndNeverKept() {
        MessageTemplates templates = new MessageTemplates();
        TestOptions options = new TestOptions();
        options.data = new MessageContent("x\r\nBcc: victim@example.test", "b");

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> templates.of(options.build())).hasMessageContaining("line break");
        }
        assertThat(templates.size()).isZero();
    }
}
