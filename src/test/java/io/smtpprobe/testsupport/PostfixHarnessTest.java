package io.smtpprobe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness's promises, checked with a raw SMTP client rather than the engine under test. */
@Tag("real")
class PostfixHarnessTest {

    private static Postfix mx;

    @BeforeAll
    static void startPostfix() {
        mx = Postfix.builder().myhostname("mx1.accept.test").domain("accept.test", "alice", "bob").start();
    }

    @AfterAll
    static void stopPostfix() {
        if (mx != null) {
            mx.close();
        }
    }

    @Test
    void greetsWith220AndAdvertisesDsn() throws IOException {
        try (RawSmtp smtp = RawSmtp.connect(mx)) {
            assertThat(smtp.greeting()).startsWith("220 mx1.accept.test ESMTP");
            assertThat(smtp.command("EHLO client.test")).contains("250-mx1.accept.test", "250-DSN");
        }
    }

    @Test
    void knowsItsUsersAndRefusesToRelay() throws IOException {
        try (RawSmtp smtp = RawSmtp.connect(mx)) {
            smtp.command("EHLO client.test");
            assertThat(smtp.command("MAIL FROM:<probe@sender.test>")).containsExactly("250 2.1.0 Ok");
            assertThat(smtp.lastLine("RCPT TO:<alice@accept.test> NOTIFY=NEVER")).startsWith("250 2.1.5");
            assertThat(smtp.lastLine("RCPT TO:<nobody@accept.test>"))
                    .startsWith("550 5.1.1 <nobody@accept.test>").contains("User unknown");
            assertThat(smtp.lastLine("RCPT TO:<someone@other.test>"))
                    .startsWith("554 5.7.1 <someone@other.test>").contains("Relay access denied");
        }
    }

    @Test
    void acceptedMessageIsQueuedThenDiscarded() throws IOException {
        long discardedBefore = mx.discardedDeliveries();
        try (RawSmtp smtp = RawSmtp.connect(mx)) {
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<probe@sender.test>");
            smtp.command("RCPT TO:<bob@accept.test>");
            assertThat(smtp.lastLine("DATA")).startsWith("354");
            assertThat(smtp.lastLine("Subject: harness\r\n\r\nhello\r\n.")).matches("250 2\\.0\\.0 Ok: queued as \\w+");
            assertThat(smtp.lastLine("QUIT")).startsWith("221");
        }
        mx.awaitMaillog("postfix/discard\\[\\d+\\]: \\w+: to=<bob@accept.test>.* status=sent", 1,
                Duration.ofSeconds(5));
        assertThat(mx.discardedDeliveries()).isEqualTo(discardedBefore + 1);
    }

    @Test
    void optionalRestrictionsAnswerLikeAStricterServer() throws IOException {
        try (Postfix strict = Postfix.builder()
                .domain("accept.test", "alice")
                .dsn(false)
                .strictHelo()
                .rejectNonFqdnSender()
                .rejectSender("bad@sender.test", "550 5.1.7 Sender mailbox refused")
                .delayReject(false)
                .start();
             RawSmtp smtp = RawSmtp.connect(strict)) {
            assertThat(smtp.lastLine("MAIL FROM:<probe@sender.test>")).startsWith("503 5.5.1");
            assertThat(smtp.command("EHLO client.test")).doesNotContain("250-DSN", "250 DSN");
            assertThat(smtp.lastLine("MAIL FROM:<bad@sender.test>"))
                    .startsWith("550 5.1.7 <bad@sender.test>").endsWith("Sender mailbox refused");
            assertThat(smtp.lastLine("MAIL FROM:<nodomain>")).startsWith("504 5.5.2");
            assertThat(smtp.lastLine("HELO bad_name!")).startsWith("501 5.5.2").contains("Invalid name");
        }
    }

    @Test
    void offersStartTlsWithTheGivenCertificate(@TempDir Path dir) throws Exception {
        TestCertificates.Issued issued = TestCertificates.selfSigned("mx1.accept.test", TestCertificates.KeyType.RSA);
        TestCertificates.writePem(issued, dir);
        X509Certificate certificate = issued.certificate();
        try (Postfix tls = Postfix.builder().domain("accept.test", "alice")
                .startTls(dir.resolve("cert.pem"), dir.resolve("key.pem")).start();
             RawSmtp smtp = RawSmtp.connect(tls)) {
            assertThat(smtp.command("EHLO client.test")).contains("250-STARTTLS");
            assertThat(smtp.lastLine("STARTTLS")).startsWith("220 2.0.0");

            SSLContext trustingOnlyThatCertificate = SSLContext.getInstance("TLS");
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry("mx", certificate);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            trustingOnlyThatCertificate.init(null, trust.getTrustManagers(), null);
            try (SSLSocket tlsSocket = (SSLSocket) trustingOnlyThatCertificate.getSocketFactory()
                    .createSocket(smtp.socket, tls.host(), tls.port(), true)) {
                tlsSocket.startHandshake();
                assertThat(tlsSocket.getSession().getPeerCertificates()[0]).isEqualTo(certificate);
            }
        }
    }

    @Test
    void closeLeavesNoProcessOfTheInstanceBehind() throws IOException {
        Postfix instance = Postfix.builder().domain("accept.test", "alice").start();
        try (RawSmtp smtp = RawSmtp.connect(instance)) {
            smtp.command("EHLO client.test"); // makes master spawn an smtpd as well
            assertThat(instance.processIds()).hasSizeGreaterThanOrEqualTo(2);
        } finally {
            instance.close();
        }
        assertThat(instance.processIds()).isEmpty();
        assertThat(mx.processIds()).as("other instances keep running").isNotEmpty();
        assertThat(instance.maillog()).contains("daemon started");
    }

    @Test
    void concurrentInstancesGetTheirOwnPorts() {
        try (Postfix a = Postfix.builder().start(); Postfix b = Postfix.builder().start()) {
            assertThat(a.port()).isNotEqualTo(b.port()).isNotEqualTo(mx.port());
        }
    }

    /** Just enough of an SMTP client to read multi-line replies; deliberately not the engine's. */
    private static final class RawSmtp implements AutoCloseable {
        final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;
        private final List<String> greeting;

        private RawSmtp(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            this.out = socket.getOutputStream();
            this.greeting = reply();
        }

        static RawSmtp connect(Postfix postfix) throws IOException {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(postfix.host(), postfix.port()), 2000);
            socket.setSoTimeout(3000);
            return new RawSmtp(socket);
        }

        String greeting() {
            return String.join("\n", greeting);
        }

        List<String> command(String line) throws IOException {
            out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return reply();
        }

        String lastLine(String line) throws IOException {
            List<String> reply = command(line);
            return reply.get(reply.size() - 1);
        }

        private List<String> reply() throws IOException {
            List<String> lines = new ArrayList<>();
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("connection closed after " + lines);
                }
                lines.add(line);
            } while (line.length() > 3 && line.charAt(3) == '-');
            return lines;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
