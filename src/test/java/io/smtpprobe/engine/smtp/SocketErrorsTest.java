package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.smtpprobe.core.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The type decides, never the words: messages differ by OS, JDK and locale. */
class SocketErrorsTest {

    @Test
    void nettysConnectTimerIsATimeoutThoughItIsAConnectException() {
        var timeout = new ConnectTimeoutException("connection timed out after 1000 ms: /192.0.2.1:25");

        assertThat(timeout).isInstanceOf(ConnectException.class);
        assertThat(SocketErrors.connectReason(timeout)).isEqualTo(Reason.ConnectTimeout);
    }

    @Test
    void aConnectExceptionIsARefusalInAnyLanguage() {
        assertThat(SocketErrors.connectReason(new ConnectException("Connection refused")))
                .isEqualTo(Reason.ConnectRefused);
        assertThat(SocketErrors.connectReason(new ConnectException("Verbindungsaufbau abgelehnt")))
                .isEqualTo(Reason.ConnectRefused);
    }

    @Test
    void unreachableHostsAndNetworksFailTheConnection() {
        assertThat(SocketErrors.connectReason(new NoRouteToHostException("No route to host")))
                .isEqualTo(Reason.ConnectFailed);
        assertThat(SocketErrors.connectReason(new SocketException("Network is unreachable")))
                .isEqualTo(Reason.ConnectFailed);
        assertThat(SocketErrors.connectReason(new UnknownHostException("mx.example.test")))
                .isEqualTo(Reason.ConnectFailed);
    }

    @Test
    void theCauseChainCountsAsNettyWrapsTheJdksException() {
        var wrapped = new IOException("annotated", new NoRouteToHostException("No route to host"));

        assertThat(SocketErrors.connectReason(wrapped)).isEqualTo(Reason.ConnectFailed);
    }

    @Test
    void implicitTlsConnectsInPlaintextSoARefusalStaysAConnectFailure() {
        assertThat(SocketErrors.connectReason(new ConnectException("Connection refused"))).isEqualTo(Reason.ConnectRefused);
    }

    @Test
    void failedHandshakesAreTransportErrorsSoTheServerIsBlamedNotTheProbe() {
        assertThat(SocketErrors.isTransportError(new SSLHandshakeException("no cipher suites in common"))).isTrue();
        assertThat(SocketErrors.isTransportError(new NotSslRecordException("not an SSL/TLS record"))).isTrue();
    }

    @Test
    void ourOwnExceptionsAreNeverTheNetworksWhateverTheyMention() {
        assertThat(SocketErrors.connectReason(new NullPointerException())).isNull();
        assertThat(SocketErrors.connectReason(new IllegalStateException("connection refused, timed out, ssl")))
                .isNull();
        assertThat(SocketErrors.connectReason(new IllegalStateException("handshake"))).isNull();
    }

    @Test
    void resetsAndTlsAlertsAreTransportErrorsButBugsAreNot() {
        assertThat(SocketErrors.isTransportError(new SocketException("Connection reset"))).isTrue();
        assertThat(SocketErrors.isTransportError(new DecoderException(new SSLException("bad record MAC")))).isTrue();
        assertThat(SocketErrors.isTransportError(new NotSslRecordException("not an SSL/TLS record"))).isTrue();
        assertThat(SocketErrors.isTransportError(new IllegalArgumentException("connection reset"))).isFalse();
    }
}
