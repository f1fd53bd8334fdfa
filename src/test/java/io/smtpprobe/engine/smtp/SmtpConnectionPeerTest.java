package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Limits;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.TranscriptLine;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.net.NetClientOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Strict reply pairing, at the level of one connection, with the test deciding when commands go out. */
@Tag("peers")
class SmtpConnectionPeerTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();

    private static final Duration WAIT = Duration.ofSeconds(2);

    private record Seen(SmtpConnection connection, Transcript transcript, Throwable error, Reply reply) {
    }

    /** Connects, reads the banner, waits quietly, then runs {@code next} on the event loop. */
    private Seen run(ScriptedSmtpPeer script, java.util.function.Function<SmtpConnection, Future<Reply>> next)
            throws Exception {
        ScriptedSmtpPeer peer = peers.start(script);
        var vertx = peers.vertx();
        var client = vertx.createNetClient(new NetClientOptions());
        var transcript = new Transcript(512);
        var done = new CompletableFuture<Seen>();
        // connected from an event loop, as the prober does, so that the callback installs the
        // connection's handler before the first read: from a plain thread it would be dispatched
        // later, and a banner read meanwhile would never reach the connection
        vertx.getOrCreateContext().runOnContext(start -> client.connect(peer.port(), "127.0.0.1").onComplete(connected -> {
            if (connected.failed()) {
                done.completeExceptionally(connected.cause());
                return;
            }
            var connection = new SmtpConnection(vertx, connected.result(), Limits.DEFAULT, transcript);
            connection.readReply(WAIT)
                    .compose(banner -> {
                        Promise<Void> quiet = Promise.promise();
                        vertx.setTimer(400, id -> quiet.complete());
                        return quiet.future();
                    })
                    .compose(v -> next.apply(connection))
                    .onComplete(result -> {
                        // let anything the server sends after the last reply arrive, too
                        vertx.setTimer(300, id -> {
                            done.complete(new Seen(connection, transcript, result.cause(), result.result()));
                            connection.close();
                        });
                    });
        }));
        try {
            return done.get(10, TimeUnit.SECONDS);
        } finally {
            client.close();
        }
    }

    @Test
    void aReplyBetweenCommandsIsAViolationAndIsNeverPairedWithTheNextCommand() throws Exception {
        var seen = run(ScriptedSmtpPeer.script()
                        .send("220 mx.example.test\r\n")
                        // long enough for the two to arrive in two reads on a loaded machine
                        .pause(Duration.ofMillis(300))
                        .send("250 2.0.0 nobody asked\r\n")
                        .reply("NOOP", "250 2.0.0 Ok\r\n"),
                connection -> connection.command("NOOP", WAIT));

        assertThat(seen.reply()).isNull();
        assertThat(seen.error()).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("between commands (after the reply to the banner)");
        assertThat(seen.connection().outOfStep()).isNotNull();
        assertThat(seen.connection().usable()).isFalse();
    }

    @Test
    void twoRepliesInOneReadFailTheAwaitedReply() throws Exception {
        var seen = run(ScriptedSmtpPeer.script()
                        .send("220 mx.example.test\r\n")
                        .reply("NOOP", "250 2.0.0 Ok\r\n550 5.0.0 second\r\n"),
                connection -> connection.command("NOOP", WAIT));

        assertThat(seen.reply()).isNull();
        assertThat(seen.error()).isInstanceOf(ProtocolViolationException.class)
                .hasMessageContaining("1 more reply after the reply to NOOP");
        assertThat(seen.connection().outOfStep()).isNotNull();
    }

    @Test
    void oneReplyPerCommandStaysInStep() throws Exception {
        var seen = run(ScriptedSmtpPeer.script()
                        .send("220 mx.example.test\r\n")
                        .reply("NOOP", "250-2.0.0 Ok\r\n")
                        .pause(Duration.ofMillis(50))
                        .send("250 2.0.0 still the same reply\r\n")
                        .reply("RCPT TO:", "550 5.1.1 unknown\r\n"),
                connection -> connection.command("NOOP", WAIT)
                        .compose(noop -> connection.command("RCPT TO:<a@example.test>", WAIT)));

        assertThat(seen.error()).isNull();
        assertThat(seen.reply().code()).isEqualTo(550);
        assertThat(seen.connection().outOfStep()).isNull();
    }

    @Test
    void bytesAfterTheReplyToQuitAreDiscarded() throws Exception {
        var seen = run(ScriptedSmtpPeer.script()
                        .send("220 mx.example.test\r\n")
                        .reply("QUIT", "221 2.0.0 Bye\r\n")
                        .pause(Duration.ofMillis(50))
                        .send("250 2.0.0 after the end\r\n"),
                connection -> connection.command("QUIT", WAIT));

        assertThat(seen.error()).isNull();
        assertThat(seen.reply().code()).isEqualTo(221);
        assertThat(seen.connection().outOfStep()).isNull();
        assertThat(seen.transcript().lines()).extracting(TranscriptLine::text)
                .noneMatch(text -> text.contains("after the end"));
    }

    @Test
    void aCommandOfExactly512OctetsGoesOutAndOneOctetMoreIsRefusedWhole() throws Exception {
        String longest = "NOOP " + "x".repeat(505);
        var peer = ScriptedSmtpPeer.script()
                .send("220 mx.example.test\r\n")
                .reply("NOOP", "250 2.0.0 Ok\r\n");

        var seen = run(peer, connection -> connection.command(longest, WAIT)
                .compose(ok -> connection.command(longest + "x", WAIT)));

        assertThat(Commands.octets(longest)).isEqualTo(512);
        assertThat(seen.error()).isInstanceOf(CommandGuard.CommandTooLongException.class)
                .hasMessage("refused to send a NOOP command of 513 octets: RFC 5321 4.5.3.1.4 allows 512 including CRLF");
        assertThat(peer.received()).containsExactly(longest);
        assertThat(seen.connection().outOfStep()).isNull();
    }

    @Test
    void nonAsciiGoesOutOnlyAfterSmtpUtf8WasAgreed() throws Exception {
        var peer = ScriptedSmtpPeer.script()
                .send("220 mx.example.test\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n");

        var refused = run(peer, connection -> connection.command("RCPT TO:<jürgen@example.test>", WAIT));

        assertThat(refused.error()).isInstanceOf(UnsafeCommandException.class)
                .hasMessageContaining("non-ASCII command without SMTPUTF8");
        assertThat(peer.received()).isEmpty();

        var utf8Peer = ScriptedSmtpPeer.script()
                .send("220 mx.example.test\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n");
        var sent = run(utf8Peer, connection -> {
            connection.allowUtf8();
            return connection.command("RCPT TO:<jürgen@example.test>", WAIT);
        });

        assertThat(sent.reply().code()).isEqualTo(250);
        assertThat(utf8Peer.rawReceived()).containsExactly(new String(
                "RCPT TO:<jürgen@example.test>\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
