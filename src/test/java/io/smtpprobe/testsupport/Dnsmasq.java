package io.smtpprobe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real dnsmasq serving {@code .test} from its own configuration on 127.0.0.1 and a free port.
 * It forwards nothing (no resolv.conf, no upstream servers), and every {@code .test} name it was
 * not told about is NXDOMAIN; other names are REFUSED.
 *
 * <pre>{@code
 * try (Dnsmasq dns = Dnsmasq.builder()
 *         .mx("example.test", "mx1.example.test", 10)
 *         .host("mx1.example.test", "127.0.0.10", "::1")
 *         .start()) {
 *     resolverPointedAt(dns.endpoint());
 * }
 * }</pre>
 */
public final class Dnsmasq implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/dnsmasq");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration STARTUP = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 5;

    private final Process process;
    private final Path directory;
    private final int port;

    private Dnsmasq(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, as resolver settings take it. */
    public String endpoint() {
        return LOOPBACK.getHostAddress() + ":" + port;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** What dnsmasq logged so far, queries included: handy in assertion messages. */
    public String log() {
        try {
            return Files.readString(directory.resolve("dnsmasq.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(directory);
    }

    public static final class Builder {
        private final List<String> records = new ArrayList<>();

        private Builder() {
        }

        /** {@code domain MX preference host}. */
        public Builder mx(String domain, String host, int preference) {
            return option("mx-host=" + domain + "," + host + "," + preference);
        }

        /** The RFC 7505 null MX {@code domain MX 0 .}, which dnsmasq serves as asked. */
        public Builder nullMx(String domain) {
            return option("mx-host=" + domain + ",.,0");
        }

        /** A and AAAA records; dnsmasq takes at most one IPv4 and one IPv6 address per line. */
        public Builder host(String name, String... addresses) {
            for (String address : addresses) {
                option("host-record=" + name + "," + address);
            }
            return this;
        }

        public Builder txt(String name, String text) {
            return option("txt-record=" + name + ",\"" + text.replace("\"", "\\\"") + "\"");
        }

        /** dnsmasq only answers for the alias when it knows the target, and does not chase MX through it. */
        public Builder cname(String alias, String target) {
            return option("cname=" + alias + "," + target);
        }

        /** Any dnsmasq configuration line, without the leading {@code --}. */
        public Builder option(String line) {
            records.add(line);
            return this;
        }

        public Dnsmasq start() {
            if (!Files.isExecutable(BINARY)) {
                throw new IllegalStateException(BINARY + " is missing: run hack/install-deps.sh (package dnsmasq-base)");
            }
            IllegalStateException last = null;
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                try {
                    return startOnce(freePort());
                } catch (IllegalStateException e) {
                    // Most likely another test took the port between probing and binding it.
                    last = e;
                }
            }
            throw last;
        }

        private Dnsmasq startOnce(int port) {
            Path directory;
            try {
                directory = Files.createTempDirectory("dnsmasq-");
                Files.write(directory.resolve("dnsmasq.conf"), records, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<String> command = new ArrayList<>(List.of(
                    BINARY.toString(),
                    "--conf-file=" + directory.resolve("dnsmasq.conf"),
                    "--no-resolv", "--no-hosts", "--no-daemon", "--bind-interfaces",
                    "--listen-address=" + LOOPBACK.getHostAddress(),
                    "--port=" + port,
                    "--local=/test/",
                    "--pid-file=" + directory.resolve("dnsmasq.pid"),
                    "--log-queries", "--log-facility=-"));
            if ("root".equals(System.getProperty("user.name"))) {
                // dnsmasq would otherwise switch to "nobody", who cannot read the temp directory.
                command.add("--user=root");
            }
            Process process;
            try {
                process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(directory.resolve("dnsmasq.log").toFile())
                        .start();
            } catch (IOException e) {
                deleteRecursively(directory);
                throw new UncheckedIOException(e);
            }
            Dnsmasq dnsmasq = new Dnsmasq(process, directory, port);
            try {
                dnsmasq.awaitAnswers();
                return dnsmasq;
            } catch (RuntimeException e) {
                String log = dnsmasq.log();
                dnsmasq.close();
                throw new IllegalStateException("dnsmasq did not start on port " + port + ":\n" + log, e);
            }
        }
    }

    private void awaitAnswers() {
        SimpleResolver probe = new SimpleResolver(new InetSocketAddress(LOOPBACK, port));
        probe.setTimeout(Duration.ofMillis(200));
        Message query;
        try {
            query = Message.newQuery(Record.newRecord(Name.fromString("dnsmasq-ready.test."), Type.A, DClass.IN));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dnsmasq exited with " + process.exitValue());
            }
            try {
                probe.send(query);
                return;
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        throw new IllegalStateException("dnsmasq did not answer within " + STARTUP);
    }

    private static int freePort() {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                int port = udp.getLocalPort();
                try (ServerSocket tcp = new ServerSocket()) {
                    tcp.bind(new InetSocketAddress(LOOPBACK, port));
                    return port;
                } catch (IOException tcpTaken) {
                    // try another
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port for both UDP and TCP on " + LOOPBACK);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
