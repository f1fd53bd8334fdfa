package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Reply;
import io.smtpprobe.core.Limits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyParserTest {

    private final ReplyParser parser = new ReplyParser(new Limits(64, 5, 1024, 40));

    private List<Reply> feed(String text) {
        return parser.feed(Buffer.buffer(text));
    }

    @Test
    void singleLineReplyWithEnhancedCode() {
        var replies = feed("250 2.1.0 Ok\r\n");

        assertThat(replies).singleElement().satisfies(reply -> {
            assertThat(reply.code()).isEqualTo(250);
            assertThat(reply.enhancedCode()).isEqualTo("2.1.0");
            assertThat(reply.lines()).containsExactly("2.1.0 Ok");
        });
    }

    @Test
    void multiLineReplyEndsAtTheSpaceSeparator() {
        assertThat(feed("250-mx.example.test\r\n250-PIPELINING\r\n")).isEmpty();
        assertThat(parser.hasPartialReply()).isTrue();

        var replies = feed("250 DSN\r\n");

        assertThat(replies).singleElement()
                .satisfies(reply -> assertThat(reply.lines()).containsExactly("mx.example.test", "PIPELINING", "DSN"));
        assertThat(parser.hasPartialReply()).isFalse();
    }

    @Test
    void bareCodeAndBareLineFeedsAreAccepted() {
        var replies = feed("250\n354-go\n354 on\n");

        assertThat(replies).extracting(Reply::code).containsExactly(250, 354);
        assertThat(replies.get(0).lines()).containsExactly("");
    }

    // --- line endings (README "Line endings") ---------------------------------------------

    @Test
    void aStrayCrBeforeCrlfIsPartOfTheLineEndSoKeywordsStayClean() {
        var replies = feed("250-mx.example.test\r\r\n250-PIPELINING\r\r\n250 DSN\r\r\r\n");

        assertThat(replies).singleElement()
                .satisfies(reply -> assertThat(reply.lines()).containsExactly("mx.example.test", "PIPELINING", "DSN"));
    }

    @Test
    void aBareCrNeverEndsALineAndIsShownEscapedInTheText() {
        assertThat(feed("250 first\rsecond")).isEmpty();
        assertThat(parser.hasPartialReply()).isTrue();

        var replies = feed("\r\n");

        assertThat(replies).singleElement()
                .satisfies(reply -> assertThat(reply.lines()).containsExactly("first\\x0dsecond"));
    }

    @Test
    void aBareCrAfterTheCodeDoesNotMakeALine() {
        assertThat(feed("220\r")).isEmpty();

        assertThat(feed("\n")).singleElement().satisfies(reply -> assertThat(reply.code()).isEqualTo(220));
    }

    @Test
    void crlfBareLfAndCrCrLfEndLinesAlikeInOneReply() {
        var replies = feed("250-one\r\n250-two\n250 three\r\r\n");

        assertThat(replies).singleElement()
                .satisfies(reply -> assertThat(reply.lines()).containsExactly("one", "two", "three"));
    }

    @Test
    void repliesSplitAcrossReadsAreReassembled() {
        var replies = new ArrayList<Reply>();
        for (char c : "220 hello\r\n221 bye\r\n".toCharArray()) {
            replies.addAll(feed(String.valueOf(c)));
        }

        assertThat(replies).extracting(Reply::code).containsExactly(220, 221);
    }

    @Test
    void lineOfExactlyTheLimitIsParsedAndOneByteMoreIsNot() {
        String atLimit = "250 " + "x".repeat(Limits.DEFAULT.maxLineLength() - 4);

        var replies = new ReplyParser(Limits.DEFAULT).feed(Buffer.buffer(atLimit + "\r\n"));

        assertThat(replies).singleElement().satisfies(reply -> assertThat(reply.code()).isEqualTo(250));
        assertThatThrownBy(() -> new ReplyParser(Limits.DEFAULT).feed(Buffer.buffer(atLimit + "x\r\n")))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("exceeds");
    }

    @Test
    void garbageCodeIsAProtocolViolation() {
        assertThatThrownBy(() -> feed("HTTP/1.1 400 Bad Request\r\n"))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("malformed reply line");
    }

    @Test
    void codesOutsideTwoToFiveHundredsAreRefused() {
        assertThatThrownBy(() -> feed("199 nope\r\n")).isInstanceOf(ProtocolViolationException.class);
        assertThatThrownBy(() -> new ReplyParser(Limits.DEFAULT).feed(Buffer.buffer("600 nope\r\n")))
                .isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void wrongSeparatorIsAProtocolViolation() {
        assertThatThrownBy(() -> feed("250_ok\r\n")).isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void mixedCodesInOneReplyAreAProtocolViolation() {
        assertThatThrownBy(() -> feed("250-first\r\n251 second\r\n"))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("different codes");
    }

    @Test
    void overlongLineIsAProtocolViolationBeforeItEnds() {
        assertThatThrownBy(() -> feed("250 " + "x".repeat(100)))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("exceeds 64 bytes");
    }

    @Test
    void endlessMultiLineReplyIsAProtocolViolation() {
        assertThatThrownBy(() -> feed("250-a\r\n".repeat(6)))
                .isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("exceeds 5 lines");
    }

    @Test
    void totalBytesPerConnectionAreCapped() {
        assertThatThrownBy(() -> {
            for (int i = 0; i < 200; i++) {
                feed("250 ok\r\n");
            }
        }).isInstanceOf(ProtocolViolationException.class).hasMessageContaining("more than 1024 bytes");
    }

    @Test
    void parserStaysFailedAfterAViolation() {
        assertThatThrownBy(() -> feed("xyz\r\n")).isInstanceOf(ProtocolViolationException.class);

        assertThatThrownBy(() -> feed("250 ok\r\n")).isInstanceOf(ProtocolViolationException.class);
    }

    @Test
    void controlCharactersInReplyTextAreEscapedAndTruncated() {
        var reply = feed("250 hi\u001b[2Jthere\u0000" + "y".repeat(30) + "\r\n").get(0);

        assertThat(reply.lines().get(0))
                .startsWith("hi\\x1b[2Jthere\\x00")
                .hasSize(40)
                .doesNotContain("\u001b");
    }

    @Test
    void enhancedCodeOfAnotherClassIsIgnored() {
        assertThat(feed("550 2.1.0 odd\r\n").get(0).enhancedCode()).isNull();
    }
}
