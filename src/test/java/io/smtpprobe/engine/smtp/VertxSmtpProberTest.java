package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import io.smtpprobe.core.Reason;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class VertxSmtpProberTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();

    @Test
    void synchronousFailureWhileStartingAProbeStillCompletesTheResult() throws Exception {
        var options = new TestOptions();
        options.timeouts = null;
        var target = new SmtpTarget(PeerProbe.MX_HOST, InetAddress.getLoopbackAddress(), 25, 10);

        try (var prober = new VertxSmtpProber(peers.vertx(), Clock.systemUTC(), TlsSettings.systemDefault())) {
            ServerResult result = prober.probe(target, options.build())
                    .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

            assertThat(result.stage()).isEqualTo(Stage.Connect);
            assertThat(result.reason()).isEqualTo(Reason.InternalError);
            assertThat(result.detail()).startsWith("internal error: java.lang.NullPointerException");
            assertThat(result.host()).isEqualTo(PeerProbe.MX_HOST);
            assertThat(result.address()).isEqualTo(InetAddress.getLoopbackAddress().getHostAddress());
        }
    }

    @Test
    void internalErrorDetailIsSanitised() {
        var error = new IllegalStateException("bad\r\nforged line");

        ServerResult result = VertxSmtpProber.internalError(null, null, error);

        assertThat(result.detail()).isEqualTo("internal error: java.lang.IllegalStateException: bad\\x0d\\x0aforged line");
        assertThat(result.reason()).isEqualTo(Reason.InternalError);
    }
}
