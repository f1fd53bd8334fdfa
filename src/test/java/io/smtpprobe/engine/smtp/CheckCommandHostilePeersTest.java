package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.Outcome;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.cli.CheckCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code check} contract against scripted hostile servers, the cases a real server won't
 * produce: every one ends with the right reason and exit code, on time, in one valid JSON document.
 */
@Tag("peers")
class CheckCommandHostilePeersTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();
    private ScriptedSmtpPeer peer;

    record Outcome(int exit, JsonNode server, Duration elapsed, String raw) {
    }

    private Outcome check(ScriptedSmtpPeer script, String... extra) throws Exception {
        peer = peers.start(script);
        String[] base = {"--json", "--server", "127.0.0.1:" + peer.port(), "--rcpt-to", "user@contoso.test",
            "--ehlo", "probe.contoso.test", "--connect-timeout", "1s", "--command-timeout", "1s", "--timeout", "4s"};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long start = System.nanoTime();
        int exit = CheckCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        String raw = out.toString(StandardCharsets.UTF_8);
        JsonNode json = new ObjectMapper().readTree(raw);
        return new Outcome(exit, json.get("domains").get(0).get("servers").get(0), elapsed, raw);
    }

    @Test
    void anOverlongLineIsAProtocolViolation() throws Exception {
        Outcome o = check(ScriptedSmtpPeer.script().send("220 " + "x".repeat(10_000) + "\r\n"));
        assertThat(o.exit).isEqualTo(2);
        assertThat(o.server.get("reason").asText()).isEqualTo("ProtocolViolation");
        assertThat(o.elapsed).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anEndlessMultiLineReplyIsCutOff() throws Exception {
        Outcome o = check(ScriptedSmtpPeer.script().send("220-hello\r\n".repeat(5_000)));
        assertThat(o.server.get("reason").asText()).isEqualTo("ProtocolViolation");
        assertThat(o.raw.length()).as("output stays bounded").isLessThan(64 * 1024);
    }

    @Test
    void aTricklingServerHitsTheCommandDeadline() throws Exception {
        Outcome o = check(ScriptedSmtpPeer.script().sendSlowly("220 mx.example.test slow banner\r\n", Duration.ofMillis(300)));
        assertThat(o.exit).isEqualTo(2);
        assertThat(o.server.get("reason").asText()).isIn("BannerTimeout", "CommandTimeout");
        assertThat(o.elapsed).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aSilentServerIsABannerTimeout() throws Exception {
        Outcome o = check(ScriptedSmtpPeer.script());
        assertThat(o.server.get("reason").asText()).isEqualTo("BannerTimeout");
        assertThat(o.elapsed).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void garbageCodesAreAProtocolViolation() throws Exception {
        Outcome o = check(ScriptedSmtpPeer.script().send("HTTP/1.1 400 Bad Request\r\n\r\n"));
        assertThat(o.server.get("reason").asText()).isEqualTo("ProtocolViolation");
        assertThat(o.exit).isEqualTo(2);
    }

    @Test
    void bareLineFeedsAreAcceptedLikeCrlf() throws Exception {
        Outcome o = check(ScriptedSmtpPeer.script().send("220 mx ready\n")
                .reply("EHLO", "250-mx\n250 8BITMIME\n")
                .reply("MAIL FROM", "250 ok\n").reply("RCPT TO", "250 ok\n").reply("QUIT", "221 bye\n"));
        assertThat(o.exit).isZero();
        assertThat(o.server.get("reason").asText()).isEqualTo("Accepted");
    }

    @Test
    void aResetMidDialogueIsConnectionClosedWithoutWaitingForTheDeadline() throws Exception {
        check(ScriptedSmtpPeer.script()); // warm-up, so class loading does not count below
        peer.close();
        Outcome o = check(ScriptedSmtpPeer.script().greeting("PIPELINING").expect("MAIL FROM").resetConnection(),
                "--command-timeout", "10s", "--timeout", "20s");
        assertThat(o.server.get("reason").asText()).isEqualTo("ConnectionClosed");
        assertThat(o.server.get("stage").asText()).isEqualTo("MailFrom");
        assertThat(o.elapsed).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void plaintextInjectedAfterStartTlsIsAProtocolViolation() throws Exception {
        Outcome o = check(ScriptedSmtpPeer.script().greeting("STARTTLS")
                .reply("STARTTLS", "220 2.0.0 go ahead\r\n250 injected\r\n"), "--tls", "required");
        assertThat(o.server.get("reason").asText()).isEqualTo("ProtocolViolation");
        assertThat(o.server.get("detail").asText()).contains("injection");
        assertThat(o.server.get("transcript").toString()).doesNotContain("MAIL FROM");
    }

    @Test
    void anExtraReplyBeforeRcptNeverTurnsA550IntoAnAcceptance() throws Exception {
        Outcome o = check(ScriptedSmtpPeer.script().greeting()
                .reply("MAIL FROM", "250 2.1.0 ok\r\n250 2.1.0 ok, again\r\n")
                .reply("RCPT TO", "550 5.1.1 <user@contoso.test>: Recipient address rejected: User unknown\r\n")
                .reply("QUIT", "221 bye\r\n"));
        assertThat(o.exit).isEqualTo(2);
        assertThat(o.server.get("reason").asText()).isEqualTo("ProtocolViolation");
        assertThat(o.server.get("transcript").toString()).doesNotContain("RCPT TO");
    }

    @Test
    void greylistingExitsOne() throws Exception {
        Outcome o = check(ScriptedSmtpPeer.script().greeting("PIPELINING")
                .reply("MAIL FROM", "250 ok\r\n")
                .reply("RCPT TO", "450 4.7.1 <user@contoso.test>: Recipient address rejected: Greylisted\r\n")
                .reply("QUIT", "221 bye\r\n"));
        assertThat(o.exit).isEqualTo(1);
        assertThat(o.server.get("reason").asText()).isEqualTo("Greylisted");
        assertThat(o.server.get("reply").get("enhancedCode").asText()).isEqualTo("4.7.1");
    }

    @Test
    void controlCharactersFromTheServerAreEscapedInTheOutput() throws Exception {
        Outcome o = check(ScriptedSmtpPeer.script().send("554 5.7.1 go away \u001b[31mred\u0007\r\n"));
        assertThat(o.server.get("reason").asText()).isEqualTo("ServiceNotAvailable");
        assertThat(o.raw).doesNotContain("\u001b").doesNotContain("\u0007");
        assertThat(o.server.get("reply").get("text").asText()).contains("\\x1b");
    }
}
