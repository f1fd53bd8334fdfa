package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** The cause of a failed handshake, from the exceptions the JDK and Netty raise. */
class TlsHandshakeErrorsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void anAlertIsNamedWithWhatItUsuallyMeans() {
        var alert = new DecoderException(new SSLHandshakeException("Received fatal alert: protocol_version"));

        assertThat(TlsHandshakeErrors.describe(alert, TIMEOUT))
                .isEqualTo("the server sent the TLS alert protocol_version (no TLS protocol version in common)");
        assertThat(TlsHandshakeErrors.describe(new SSLHandshakeException("Received fatal alert: bad_certificate"), TIMEOUT))
                .isEqualTo("the server sent the TLS alert bad_certificate");
    }

    @Test
    void plaintextIsQuotedUpToItsFirstLineEnd() {
        var plaintext = new NotSslRecordException("not an SSL/TLS record: 3232302068656c6c6f0d0a323530");

        assertThat(TlsHandshakeErrors.describe(plaintext, TIMEOUT))
                .isEqualTo("the server answered in plaintext, not TLS: \"220 hello...\"");
        assertThat(TlsHandshakeErrors.describe(new NotSslRecordException("garbled"), TIMEOUT))
                .isEqualTo("the server answered in plaintext, not TLS: bytes that are not a TLS record");
    }

    @Test
    void aTimeoutSaysHowLongItWaited() {
        assertThat(TlsHandshakeErrors.describe(new SslHandshakeTimeoutException("handshake timed out after 30000ms"), TIMEOUT))
                .isEqualTo("no handshake within 30000 ms (the server stalled)");
    }

    @Test
    void aResetIsToldApartFromAClose() {
        assertThat(TlsHandshakeErrors.describe(new ClosedChannelException(), new SocketException("Connection reset"), TIMEOUT))
                .isEqualTo("the server reset the connection during the handshake");
        assertThat(TlsHandshakeErrors.describe(new ClosedChannelException(), null, TIMEOUT))
                .isEqualTo("the server closed the connection during the handshake");
        assertThat(TlsHandshakeErrors.describe(
                new SSLHandshakeException("Connection closed while SSL/TLS handshake was in progress"), TIMEOUT))
                .isEqualTo("the server closed the connection during the handshake");
    }

    @Test
    void noCommonVersionDetectedByTheClientKeepsTheJdksWords() {
        var refused = new SSLHandshakeException(
                "The server selected protocol version TLS10 is not accepted by client preferences [TLS13, TLS12]");

        assertThat(TlsHandshakeErrors.describe(refused, TIMEOUT)).isEqualTo("no TLS protocol version in common: "
                + "The server selected protocol version TLS10 is not accepted by client preferences [TLS13, TLS12]");
    }

    @Test
    void aResetMentionedByOurOwnCodeIsNotAReset() {
        assertThat(TlsHandshakeErrors.describe(new IllegalStateException("reset"), TIMEOUT)).isEqualTo("reset");
    }
}
