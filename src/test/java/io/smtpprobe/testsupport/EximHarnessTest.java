package io.smtpprobe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Exim harness's promises, checked with a raw SMTP client rather than the engine under test. */
@Tag("real")
class EximHarnessTest {

    private static Exim mx;

    @BeforeAll
    static void startExim() {
        mx = Exim.builder().primaryHostname("mx1.accept.test").domain("accept.test", "alice", "bob").start();
    }

    @AfterAll
    static void stopExim() {
        if (mx != null) {
            mx.close();
        }
    }

    @Test
    void isDebiansExim496() {
        assertThat(Exim.version()).startsWith("Exim version 4.96");
    }

    @Test
    void greetsWith220AndAdvertisesDsnButNoStartTlsWithoutACertificate() throws IOException {
        try (RawSmtp smtp = RawSmtp.connect(mx.host(), mx.port())) {
            assertThat(smtp.greeting()).startsWith("220 mx1.accept.test ESMTP Exim 4.96");
            assertThat(smtp.command("EHLO client.test")).contains("250-mx1.accept.test Hello client.test [127.0.0.1]")
                    .contains("250-DSN").doesNotContain("250-STARTTLS", "250 STARTTLS");
        }
    }

    @Test
    void knowsItsUsersAndRefusesToRelay() throws IOException {
        try (RawSmtp smtp = RawSmtp.connect(mx.host(), mx.port())) {
            smtp.command("EHLO client.test");
            assertThat(smtp.command("MAIL FROM:<probe@sender.test>")).containsExactly("250 OK");
            assertThat(smtp.lastLine("RCPT TO:<alice@accept.test> NOTIFY=NEVER")).isEqualTo("250 Accepted");
            assertThat(smtp.lastLine("RCPT TO:<nobody@accept.test>")).isEqualTo("550 Unrouteable address");
            assertThat(smtp.lastLine("RCPT TO:<someone@other.test>")).isEqualTo("550 relay not permitted");
        }
    }

    @Test
    void acceptedMessageIsQueuedThenBlackholedAndNothingIsLeftInTheSpool() throws IOException {
        String queueId;
        try (RawSmtp smtp = RawSmtp.connect(mx.host(), mx.port())) {
            smtp.command("EHLO client.test");
            smtp.command("MAIL FROM:<probe@sender.test>");
            smtp.command("RCPT TO:<bob@accept.test> NOTIFY=SUCCESS,FAILURE");
            assertThat(smtp.lastLine("DATA")).startsWith("354");
            String accepted = smtp.lastLine("Subject: harness\r\n\r\nhello\r\n.");
            assertThat(accepted).matches("250 OK id=[A-Za-z0-9]{6}-[A-Za-z0-9]{6}-[A-Za-z0-9]{2}");
            queueId = accepted.substring("250 OK id=".length());
            assertThat(smtp.lastLine("QUIT")).startsWith("221");
        }
        mx.awaitMainlog(queueId + " => :blackhole: <bob@accept.test> R=known_recipients", 1, Duration.ofSeconds(10));
        mx.awaitMainlog(queueId + " Completed", 1, Duration.ofSeconds(10));
        // The success DSN it owes probe@sender.test is blackholed too, not left queued for a retry.
        mx.awaitMainlog("<= <> R=" + queueId, 1, Duration.ofSeconds(10));
        assertThat(mx.mainlogLines("=> (?!:blackhole:)")).isEmpty();
    }

    @Test
    void aclsAnswerInEximsWordsOrTheGivenReply() throws IOException {
        try (Exim strict = Exim.builder()
                .domain("accept.test", "alice")
                .dsn(false)
                .rejectHelo("bad-helo.test")
                .rejectHelo("worse-helo.test", "550 5.5.4 Invalid domain name")
                .rejectSender("bad@sender.test")
                .rejectSender("spoof@sender.test", "550 5.1.7 Invalid sender")
                .rejectRecipient("full@accept.test", "452 4.2.2 Mailbox full")
                .rejectRecipient("auth@accept.test", "530 5.7.1 Client was not authenticated")
                .start();
             RawSmtp smtp = RawSmtp.connect(strict.host(), strict.port())) {
            assertThat(smtp.lastLine("EHLO bad-helo.test")).isEqualTo("550 Administrative prohibition");
            assertThat(smtp.lastLine("HELO worse-helo.test")).isEqualTo("550 5.5.4 Invalid domain name");
            assertThat(smtp.lastLine("HELO bad_name!")).isEqualTo("501 Syntactically invalid HELO argument(s)");
            assertThat(smtp.command("EHLO client.test")).doesNotContain("250-DSN", "250 DSN");
            assertThat(smtp.lastLine("MAIL FROM:<bad@sender.test>")).isEqualTo("550 Administrative prohibition");
            assertThat(smtp.lastLine("MAIL FROM:<spoof@sender.test>")).isEqualTo("550 5.1.7 Invalid sender");
            assertThat(smtp.lastLine("MAIL FROM:<nodomain>")).startsWith("501 <nodomain>: sender address must contain a domain");
            assertThat(smtp.lastLine("MAIL FROM:<probe@sender.test>")).isEqualTo("250 OK");
            assertThat(smtp.lastLine("RCPT TO:<full@accept.test>")).isEqualTo("452 4.2.2 Mailbox full");
            assertThat(smtp.lastLine("RCPT TO:<auth@accept.test>")).isEqualTo("530 5.7.1 Client was not authenticated");
            assertThat(smtp.lastLine("RCPT TO:<alice@accept.test>")).isEqualTo("250 Accepted");
        }
    }

    @Test
    void offersStartTlsWithTheGivenCertificate(@TempDir Path dir) throws Exception {
        TestCertificates.Issued issued = TestCertificates.selfSigned("mx1.accept.test", TestCertificates.KeyType.RSA);
        TestCertificates.writePem(issued, dir);
        X509Certificate certificate = issued.certificate();
        try (Exim tls = Exim.builder().domain("accept.test", "alice")
                .startTls(dir.resolve("cert.pem"), dir.resolve("key.pem")).start();
             RawSmtp smtp = RawSmtp.connect(tls.host(), tls.port())) {
            assertThat(smtp.command("EHLO client.test")).contains("250-STARTTLS");
            assertThat(smtp.lastLine("STARTTLS")).isEqualTo("220 TLS go ahead");

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
    void listensOnlyOnItsLoopbackAddress() throws IOException {
        try (Exim other = Exim.builder().address("127.0.0.2").start()) {
            try (RawSmtp smtp = RawSmtp.connect("127.0.0.2", other.port())) {
                assertThat(smtp.greeting()).startsWith("220 ");
            }
            assertThatThrownBy(() -> RawSmtp.connect("127.0.0.1", other.port())).isInstanceOf(ConnectException.class);
        }
        assertThatThrownBy(() -> Exim.builder().address("10.0.0.1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itsConfigurationCanDeliverNowhere() throws IOException {
        String config = Files.readString(mx.configFile());
        assertThat(config).doesNotContain("transport", "dnslookup", "manualroute", "ipliteral");
        assertThat(config).contains("local_interfaces = 127.0.0.1\n", "host_lookup = \n", "rfc1413_hosts = \n");
    }

    @Test
    void closeLeavesNoProcessOfTheInstanceBehind() throws IOException {
        Exim instance = Exim.builder().domain("accept.test", "alice").start();
        Path config = instance.configFile();
        try (RawSmtp smtp = RawSmtp.connect(instance.host(), instance.port())) {
            smtp.command("EHLO client.test"); // the daemon forks a child for the connection
            assertThat(instance.processIds()).hasSizeGreaterThanOrEqualTo(2);
            assertThat(processesRunningWith(config)).containsAll(instance.processIds());
        } finally {
            instance.close();
        }
        assertThat(instance.processIds()).isEmpty();
        assertThat(processesRunningWith(config)).as("no process of the instance is left, in its group or out of it").isEmpty();
        assertThat(Files.exists(config)).isFalse();
        assertThat(mx.processIds()).as("other instances keep running").isNotEmpty();
        assertThat(instance.mainlog()).contains("daemon started");
    }

    @Test
    void concurrentInstancesGetTheirOwnPorts() {
        try (Exim a = Exim.builder().start(); Exim b = Exim.builder().start()) {
            assertThat(a.port()).isNotEqualTo(b.port()).isNotEqualTo(mx.port());
        }
    }

    private static List<Long> processesRunningWith(Path config) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String commandLine = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (commandLine.contains(config.toString())) {
                        pids.add(Long.parseLong(entry.getFileName().toString()));
                    }
                } catch (IOException exited) {
                    // gone while we looked
                }
            }
        }
        return pids;
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

        static RawSmtp connect(String host, int port) throws IOException {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress(host, port), 2000);
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
