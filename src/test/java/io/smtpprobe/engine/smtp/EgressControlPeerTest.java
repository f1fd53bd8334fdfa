package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.cli.CheckCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A refused connection is the remote's problem only while a control target still answers: with the
 * control target refused too, the verdict is our egress. All on loopback; a closed port refuses.
 */
@Tag("peers")
class EgressControlPeerTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();

    record Run(int exit, String out) {
    }

    /** A loopback port that nothing listens on: connecting to it is refused. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Run check(int serverPort, String control) {
        var out = new ByteArrayOutputStream();
        int exit = CheckCommand.run(new String[] {"--server", "127.0.0.1:" + serverPort, "--rcpt-to", "postmaster@down.test",
            "--connect-timeout", "1s", "--command-timeout", "1s", "--timeout", "4s", "--egress-control", control},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        return new Run(exit, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aRefusedServerIsEgressBlockedWhenTheControlTargetIsRefusedToo() throws Exception {
        int control = closedPort();

        Run run = check(closedPort(), "127.0.0.1:" + control);

        assertThat(run.exit).as("our side, and it may pass: transient").isEqualTo(CheckCommand.EXIT_TRANSIENT);
        assertThat(run.out).contains("Result: TransientFailure (EgressBlocked)")
                .contains("CONNECT EgressBlocked: our side: the control target 127.0.0.1:" + control
                        + " is unreachable too (ConnectRefused: ")
                .contains("this server: ConnectRefused");
    }

    @Test
    void aRefusedServerStaysConnectRefusedWhileTheControlTargetGreets() throws Exception {
        ScriptedSmtpPeer control = peers.start(ScriptedSmtpPeer.script().send("220 control.test ESMTP\r\n").expect("QUIT")
                .send("221 bye\r\n"));

        Run run = check(closedPort(), "127.0.0.1:" + control.port());

        assertThat(control.awaitClientClosed(java.time.Duration.ofSeconds(5))).isTrue();
        assertThat(control.received()).as("the control probe says nothing but QUIT").containsExactly("QUIT");
        assertThat(run.exit).isEqualTo(CheckCommand.EXIT_FAILED);
        assertThat(run.out).contains("Result: PermanentFailure (ConnectRefused)").doesNotContain("EgressBlocked");
    }

    @Test
    void aControlTargetThatDoesNotGreetWith220CountsAsUnreachable() throws Exception {
        ScriptedSmtpPeer control = peers.start(ScriptedSmtpPeer.script().send("554 5.7.1 no SMTP service here\r\n"));

        Run run = check(closedPort(), "127.0.0.1:" + control.port());

        assertThat(run.out).contains("(EgressBlocked)").contains("greeted with '554 5.7.1 no SMTP service here' instead of 220");
    }
}
