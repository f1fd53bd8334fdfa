package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The queue id is what the server's log knows the probe message by; the corpus test covers each MTA's format. */
class QueueIdExtractorTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            250 2.0.0 Ok: queued as 4dLxJ00w3Pz9Yt2                          | 4dLxJ00w3Pz9Yt2
            250 OK id=1rD7ox-00000000Kxr-1TJN                                | 1rD7ox-00000000Kxr-1TJN
            250 2.0.0 3a1b2c3d Message accepted for delivery                 | 3a1b2c3d
            250 Message Queued (5E6F7A8B-1C2D-4E3F-9A0B-C1D2E3F4A5B6.1)      | 5E6F7A8B-1C2D-4E3F-9A0B-C1D2E3F4A5B6.1
            250 2.6.0 <a1@EX01.contoso.test> [InternalId=1, Hostname=EX01.contoso.test] Queued mail for delivery | <a1@EX01.contoso.test>
            250 2.0.0 OK  1700000000 a1b2c3d4e5f6.12 - gsmtp                 | a1b2c3d4e5f6.12
            250 ok 1700000000 qp 12345                                       | 12345
            """)
    void findsTheIdInEachAcceptanceFormat(String reply, String queueId) {
        assertThat(QueueIdExtractor.extract(reply(reply))).isEqualTo(queueId);
    }

    @Test
    void aRefusalQueuedNothingWhateverIdItQuotes() {
        assertThat(QueueIdExtractor.extract(reply("550 Message denied (5E6F7A8B-1C2D-4E3F-9A0B-C1D2E3F4A5B6.2)"))).isNull();
        assertThat(QueueIdExtractor.extract(reply("451 4.3.0 Error: queue file write error"))).isNull();
    }

    @Test
    void aReplyThatOnlyQuotesAnAddressIsNoExchangeAcceptance() {
        assertThat(QueueIdExtractor.extract(reply("250 2.1.5 <postmaster@example.test>... Recipient ok"))).isNull();
        assertThat(QueueIdExtractor.extract(reply("250 2.0.0 Ok"))).isNull();
        assertThat(QueueIdExtractor.extract(reply("250 2.1.5 OK a1b2c3d4e5f6.12 - gsmtp"))).isNull();
    }

    private static Reply reply(String line) {
        return Reply.of(Integer.parseInt(line.substring(0, 3)), List.of(line.substring(4)));
    }
}
