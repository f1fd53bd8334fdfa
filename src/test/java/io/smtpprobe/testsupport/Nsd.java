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
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real authoritative DNS server, NLnet Labs' NSD, serving DNSSEC-signed {@code .test} zones on
 * 127.0.0.1 and a free port. The first zone is the top: its DS is the trust anchor a validator
 * starts from ({@link #trustAnchor()}). Every later zone below it is delegated from its nearest
 * enclosing zone (NS, and a DS unless the zone is unsigned) and served by the same NSD, so a
 * validator pointed straight at NSD walks the whole chain of trust. NSD never recurses or forwards.
 *
 * <pre>{@code
 * try (Nsd dns = Nsd.builder()
 *         .zone("dane.test", Signing.SIGNED, "mx A 127.0.0.1", "_25._tcp.mx TLSA 3 1 1 ab12…")
 *         .zone("insecure.dane.test", Signing.UNSIGNED, "mx A 127.0.0.1")
 *         .start()) {
 *     validatorWith(dns.endpoint(), dns.trustAnchor());
 * }
 * }</pre>
 */
public final class Nsd implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/nsd");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration STARTUP = Duration.ofSeconds(15);
    private static final int START_ATTEMPTS = 5;

    /** How a zone is signed. */
    public enum Signing {
        /** Signed with its own key, valid from now for four weeks; the parent holds its DS. */
        SIGNED,
        /** Not signed, and the parent has no DS for it: provably insecure below a signed parent. */
        UNSIGNED,
        /** Signed with its own key, but every RRSIG expired years ago: bogus. */
        EXPIRED_SIGNATURES,
        /** The parent's DS names one key, the zone is signed with another: bogus. */
        WRONG_KEY
    }

    /** One zone as the builder was told it. */
    record Zone(String name, Signing signing, List<String> records) {
    }

    private final Process process;
    private final Path directory;
    private final int port;
    private final String trustAnchor;

    private Nsd(Process process, Path directory, int port, String trustAnchor) {
        this.process = process;
        this.directory = directory;
        this.port = port;
        this.trustAnchor = trustAnchor;
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

    public InetSocketAddress address() {
        return new InetSocketAddress(LOOPBACK, port);
    }

    /** The top zone's DS record in zone-file form: what a validator trusts to begin with. */
    public String trustAnchor() {
        return trustAnchor;
    }

    public String log() {
        try {
            return Files.readString(directory.resolve("nsd.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        deleteRecursively(directory);
    }

    public static final class Builder {
        private final List<Zone> zones = new ArrayList<>();

        private Builder() {
        }

        /**
         * A zone and its records in zone-file form, owners relative to the zone ({@code "mx A 127.0.0.1"}).
         * SOA, NS and the delegations of later zones below it are added.
         */
        public Builder zone(String name, Signing signing, String... records) {
            String zone = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
            if (!zone.endsWith(".test")) {
                throw new IllegalArgumentException("test zones live under .test only: " + name);
            }
            if (zones.isEmpty() && signing != Signing.SIGNED) {
                throw new IllegalArgumentException("the first zone is the trust anchor and must be SIGNED");
            }
            zones.add(new Zone(zone, signing, List.of(records)));
            return this;
        }

        public Nsd start() {
            if (!Files.isExecutable(BINARY)) {
                throw new IllegalStateException(BINARY + " is missing: run hack/install-deps.sh (package nsd)");
            }
            if (zones.isEmpty()) {
                throw new IllegalStateException("no zone");
            }
            Path directory;
            String anchor;
            try {
                directory = Files.createTempDirectory("nsd-");
                anchor = SignedZones.write(directory, zones, LOOPBACK.getHostAddress());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            IllegalStateException last = null;
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                try {
                    return startOnce(directory, freePort(), anchor);
                } catch (IllegalStateException e) {
                    // most likely another test took the port between probing and binding it
                    last = e;
                }
            }
            deleteRecursively(directory);
            throw last;
        }

        private Nsd startOnce(Path directory, int port, String anchor) {
            List<String> config = new ArrayList<>(List.of(
                    "server:",
                    "  ip-address: " + LOOPBACK.getHostAddress() + "@" + port,
                    "  do-ip6: no",
                    "  username: \"\"",
                    "  chroot: \"\"",
                    "  zonesdir: \"" + directory + "\"",
                    "  database: \"\"",
                    "  pidfile: \"" + directory.resolve("nsd.pid") + "\"",
                    "  xfrdfile: \"" + directory.resolve("xfrd.state") + "\"",
                    "  xfrdir: \"" + directory + "\"",
                    "  zonelistfile: \"" + directory.resolve("zone.list") + "\"",
                    "  logfile: \"" + directory.resolve("nsd.log") + "\"",
                    "  server-count: 1",
                    "  hide-version: yes",
                    "remote-control:",
                    "  control-enable: no"));
            for (Zone zone : zones) {
                config.add("zone:");
                config.add("  name: " + zone.name());
                config.add("  zonefile: " + zone.name() + ".served");
            }
            Path conf = directory.resolve("nsd-" + port + ".conf");
            Process process;
            try {
                Files.write(conf, config, StandardCharsets.UTF_8);
                process = new ProcessBuilder(BINARY.toString(), "-d", "-c", conf.toString())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("nsd.log").toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Nsd nsd = new Nsd(process, directory, port, anchor);
            try {
                nsd.awaitAnswers(zones.get(0).name());
                return nsd;
            } catch (RuntimeException e) {
                String log = nsd.log();
                nsd.process.destroyForcibly();
                throw new IllegalStateException("nsd did not start on port " + port + ":\n" + log, e);
            }
        }
    }

    private void awaitAnswers(String top) {
        SimpleResolver probe = new SimpleResolver(address());
        probe.setTimeout(Duration.ofMillis(200));
        Message query = Message.newQuery(Record.newRecord(Name.fromConstantString(top + "."), Type.SOA, DClass.IN));
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nsd exited with " + process.exitValue());
            }
            try {
                if (probe.send(query).getRcode() == Rcode.NOERROR) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            sleep(50);
        }
        throw new IllegalStateException("nsd did not answer within " + STARTUP);
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
