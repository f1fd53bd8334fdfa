package io.smtpprobe.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A private, throw-away Postfix (Debian package) listening only on 127.0.0.1:{@link #port()}.
 * Everything it accepts goes to the discard transport, so nothing ever leaves the host; its own
 * config, queue and data directories live in a temp directory removed by {@link #close()}, which also
 * stops every process of the instance. Needs root and the postfix package (hack/install-deps.sh).
 *
 * <pre>{@code
 * try (Postfix mx = Postfix.builder().domain("accept.test", "alice").start()) {
 *     // RCPT TO:<alice@accept.test> -> 250, <bob@accept.test> -> 550 5.1.1, <x@other.test> -> 554 5.7.1
 * }
 * }</pre>
 */
public final class Postfix implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    private static final Path POSTFIX = Path.of("/usr/sbin/postfix");
    private static final Path MASTER = Path.of("/usr/lib/postfix/sbin/master");
    private static final int START_ATTEMPTS = 3;
    private static final Pattern DISCARDED = Pattern.compile("postfix/discard\\[\\d+\\]: .* status=sent ");

    private final Path baseDir;
    private final int port;
    private final ProcessGroup processes;
    private final Thread shutdownHook;
    private volatile String logAfterClose;

    private Postfix(Path baseDir, int port, ProcessGroup processes) {
        this.baseDir = baseDir;
        this.port = port;
        this.processes = processes;
        this.shutdownHook = new Thread(this::stopQuietly, "postfix-" + port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /**
     * The whole maillog so far; after {@link #close()} the log as it was at shutdown. It starts with
     * the connection {@link Builder#start()} made to wait for the 220 greeting.
     */
    public String maillog() {
        String closed = logAfterClose;
        if (closed != null) {
            return closed;
        }
        try {
            Path log = baseDir.resolve("maillog");
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Maillog lines in which {@code regex} is found. */
    public List<String> maillogLines(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return maillog().lines().filter(l -> pattern.matcher(l).find()).collect(Collectors.toList());
    }

    /** Recipients the discard transport has "delivered" (i.e. accepted and dropped) so far. */
    public long discardedDeliveries() {
        return maillog().lines().filter(l -> DISCARDED.matcher(l).find()).count();
    }

    /**
     * Waits until at least {@code atLeast} maillog lines match {@code regex}. Delivery and logging
     * happen after the SMTP reply, so tests that look at the log must wait for it.
     */
    public List<String> awaitMaillog(String regex, int atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = maillogLines(regex);
            if (lines.size() >= atLeast) {
                return lines;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + atLeast + " maillog lines matching /" + regex
                        + "/ within " + timeout + ", got " + lines.size() + ":\n" + maillog());
            }
            ProcessGroup.sleep(Duration.ofMillis(25));
        }
    }

    /** Live process ids of this instance (master and its children); empty once closed. */
    public List<Long> processIds() {
        return processes.members();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to run and does the same
        }
        stop();
    }

    private void stopQuietly() {
        try {
            stop();
        } catch (RuntimeException e) {
            System.err.println("could not stop Postfix on port " + port + ": " + e);
        }
    }

    private synchronized void stop() {
        if (logAfterClose != null) {
            return;
        }
        processes.terminate(Duration.ofSeconds(5));
        logAfterClose = maillog();
        deleteRecursively(baseDir);
    }

    private static Postfix start(Builder config) {
        requireInstalled();
        IllegalStateException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freeLoopbackPort();
            Path baseDir = createBaseDir();
            try {
                return startOnce(config, baseDir, port);
            } catch (PortTakenException e) {
                // Another test grabbed the port between our probe and Postfix's bind: try another.
                lastFailure = e;
            } catch (RuntimeException e) {
                deleteRecursively(baseDir);
                throw e;
            }
            deleteRecursively(baseDir);
        }
        throw lastFailure;
    }

    private static Postfix startOnce(Builder config, Path baseDir, int port) {
        Path configDir = baseDir.resolve("conf");
        config.writeTo(baseDir, configDir, port);
        QueueLayout.create(baseDir.resolve("queue"), baseDir.resolve("data"));

        // setsid: master must lead its own process group so SIGTERM to it reaches every child, and
        // so the group id identifies this instance's processes and no one else's.
        Process launcher;
        try {
            launcher = new ProcessBuilder("setsid", MASTER.toString(), "-c", configDir.toString(), "-d")
                    .directory(baseDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(baseDir.resolve("master.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Postfix master", e);
        }
        ProcessGroup group;
        try {
            group = new ProcessGroup(awaitMasterPid(baseDir, launcher));
        } catch (RuntimeException e) {
            launcher.destroyForcibly();
            throw e;
        }
        try {
            awaitGreeting(port, launcher, baseDir, config.implicitTls);
        } catch (RuntimeException e) {
            group.terminate(Duration.ofSeconds(2));
            throw e;
        }
        awaitLogging(baseDir);
        return new Postfix(baseDir, port, group);
    }

    /**
     * master logs through postlogd, which on a loaded machine can still be starting when smtpd
     * already greets; an instance closed that early would leave an empty maillog behind.
     */
    private static void awaitLogging(Path baseDir) {
        Path log = baseDir.resolve("maillog");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("daemon started")) {
                    return;
                }
            } catch (IOException e) {
                // postlogd is still writing it
            }
            ProcessGroup.sleep(Duration.ofMillis(20));
        }
        // no failure here: tests that read the maillog say what they miss
    }

    private static long awaitMasterPid(Path baseDir, Process launcher) {
        Path pidFile = baseDir.resolve("queue/pid/master.pid");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            try {
                String pid = Files.exists(pidFile) ? Files.readString(pidFile).trim() : "";
                if (!pid.isEmpty()) {
                    return Long.parseLong(pid);
                }
            } catch (IOException | NumberFormatException e) {
                // master is still writing it
            }
            if (exitedWithError(launcher)) {
                throw startupFailure("master exited with " + launcher.exitValue(), baseDir);
            }
            ProcessGroup.sleep(Duration.ofMillis(20));
        }
        throw startupFailure("master wrote no pid file within 15s", baseDir);
    }

    private static void awaitGreeting(int port, Process launcher, Path baseDir, boolean implicitTls) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String lastProblem = "";
        while (System.nanoTime() < deadline) {
            try (Socket plain = new Socket()) {
                plain.connect(new InetSocketAddress(HOST, port), 500);
                plain.setSoTimeout(2000);
                // only asks whether it is up: whatever certificate it shows will do
                Socket socket = implicitTls ? ImplicitTlsGreeting.wrap(plain, HOST, port) : plain;
                String greeting = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                if (greeting != null && greeting.startsWith("220")) {
                    socket.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
                    return;
                }
                lastProblem = "greeting " + greeting;
            } catch (IOException e) {
                lastProblem = e.toString();
            }
            String log = readQuietly(baseDir.resolve("maillog")) + readQuietly(baseDir.resolve("master.out"));
            if (log.contains("Address already in use")) {
                throw new PortTakenException(port);
            }
            if (log.contains("fatal:") || exitedWithError(launcher)) {
                throw startupFailure("Postfix reported a fatal error", baseDir);
            }
            ProcessGroup.sleep(Duration.ofMillis(50));
        }
        throw startupFailure("no 220 greeting on " + HOST + ":" + port + " within 15s (" + lastProblem + ")",
                baseDir);
    }

    // setsid forks (and exits 0) only if its caller leads a process group; master itself never exits 0 early.
    private static boolean exitedWithError(Process launcher) {
        return !launcher.isAlive() && launcher.exitValue() != 0;
    }

    private static void requireInstalled() {
        if (!Files.isExecutable(POSTFIX) || !Files.isExecutable(MASTER)) {
            throw new IllegalStateException("Postfix is not installed: run hack/install-deps.sh");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("a private Postfix instance needs root (its master runs as root)");
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(HOST, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createBaseDir() {
        try {
            Path dir = Files.createTempDirectory("postfix-");
            // Postfix daemons run as the postfix user and must traverse into the queue directory.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IllegalStateException startupFailure(String what, Path baseDir) {
        return new IllegalStateException("Postfix did not start: " + what + "\n--- maillog\n"
                + readQuietly(baseDir.resolve("maillog")) + "--- master output\n"
                + readQuietly(baseDir.resolve("master.out")));
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(int port) {
            super("port " + port + " was taken before Postfix could bind it");
        }
    }

    /** What the instance accepts and rejects. Defaults: host mx1.accept.test, no domains, DSN on, no TLS. */
    public static final class Builder {

        private String myhostname = "mx1.accept.test";
        private final Map<String, List<String>> recipientsByDomain = new LinkedHashMap<>();
        private final Map<String, String> senderAccess = new LinkedHashMap<>();
        private final Map<String, String> recipientAccess = new LinkedHashMap<>();
        private final Map<String, String> extraMainCf = new LinkedHashMap<>();
        private boolean dsn = true;
        private boolean strictHelo;
        private boolean rejectNonFqdnSender;
        private boolean delayReject = true;
        private Path tlsCert;
        private Path tlsKey;
        private boolean implicitTls;
        private final Map<String, String> configFiles = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder myhostname(String myhostname) {
            this.myhostname = myhostname;
            return this;
        }

        /** Accepts mail for these local parts of {@code domain}; other users get 550 5.1.1 User unknown. */
        public Builder domain(String domain, String... localParts) {
            List<String> recipients = recipientsByDomain.computeIfAbsent(domain, d -> new ArrayList<>());
            for (String localPart : localParts) {
                recipients.add(localPart + "@" + domain);
            }
            return this;
        }

        /** Accepts mail for every user of {@code domain}. */
        public Builder catchAllDomain(String domain) {
            recipientsByDomain.computeIfAbsent(domain, d -> new ArrayList<>()).add("@" + domain);
            return this;
        }

        /** Without it the EHLO reply does not list DSN and NOTIFY= parameters are refused. */
        public Builder dsn(boolean advertised) {
            this.dsn = advertised;
            return this;
        }

        /**
         * Requires HELO/EHLO and rejects malformed or non-FQDN names
         * ({@code 501 5.5.2 ... Invalid name}, {@code 504 5.5.2 ... need fully-qualified hostname}).
         */
        public Builder strictHelo() {
            this.strictHelo = true;
            return this;
        }

        /** {@code MAIL FROM:<user>} without a domain gets {@code 504 5.5.2 ... need fully-qualified address}. */
        public Builder rejectNonFqdnSender() {
            this.rejectNonFqdnSender = true;
            return this;
        }

        /**
         * Rejects this sender (an address, a domain or "user@", as in access(5)) with {@code reply},
         * e.g. "550 5.1.7 Bad sender"; Postfix answers "550 5.1.7 &lt;addr&gt;: Sender address rejected: Bad sender".
         */
        public Builder rejectSender(String sender, String reply) {
            senderAccess.put(sender, reply);
            return this;
        }

        /** Rejects RCPT TO this recipient with {@code reply}, e.g. "452 4.2.2 Mailbox full". */
        public Builder rejectRecipient(String recipient, String reply) {
            recipientAccess.put(recipient, reply);
            return this;
        }

        /**
         * Postfix's default (true) answers sender and HELO restrictions at RCPT TO; false answers
         * them at the command they concern, as many real servers do.
         */
        public Builder delayReject(boolean delay) {
            this.delayReject = delay;
            return this;
        }

        /**
         * Offers STARTTLS with this PEM certificate chain and PEM private key. Use RSA: a BouncyCastle
         * "EC PRIVATE KEY" made smtpd answer STARTTLS with 454 4.7.0 TLS not available.
         */
        public Builder startTls(Path certificateChainPem, Path privateKeyPem) {
            this.tlsCert = certificateChainPem;
            this.tlsKey = privateKeyPem;
            return this;
        }

        /** TLS from the first byte, as on port 465 ({@code smtpd_tls_wrappermode}); needs {@link #startTls}'s certificate. */
        public Builder implicitTls() {
            this.implicitTls = true;
            return mainCf("smtpd_tls_wrappermode", "yes");
        }

        /** A further file in the config directory, e.g. "sasl/smtpd.conf" (where Debian's smtpd reads Cyrus SASL's options). */
        public Builder configFile(String relativePath, String content) {
            configFiles.put(relativePath, content);
            return this;
        }

        /** Escape hatch for any other main.cf parameter; applied last, so it overrides the above. */
        public Builder mainCf(String parameter, String value) {
            extraMainCf.put(parameter, value);
            return this;
        }

        public Postfix start() {
            return Postfix.start(this);
        }

        private void writeTo(Path baseDir, Path configDir, int port) {
            try {
                Files.createDirectories(configDir);
                Map<String, String> main = mainCf(baseDir, configDir);
                writeMap(configDir.resolve("recipients"), recipientsByDomain.values().stream()
                        .flatMap(List::stream).collect(Collectors.toMap(r -> r, r -> "ok", (a, b) -> a,
                                LinkedHashMap::new)));
                writeMap(configDir.resolve("sender_access"), senderAccess);
                writeMap(configDir.resolve("recipient_access"), recipientAccess);
                if (tlsCert != null) {
                    Files.copy(tlsCert, configDir.resolve("tls-cert.pem"));
                    Files.copy(tlsKey, configDir.resolve("tls-key.pem"));
                    Files.setPosixFilePermissions(configDir.resolve("tls-key.pem"),
                            PosixFilePermissions.fromString("rw-------"));
                }
                for (Map.Entry<String, String> file : configFiles.entrySet()) {
                    Path target = configDir.resolve(file.getKey()).normalize();
                    Files.createDirectories(target.getParent());
                    Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
                }
                Files.writeString(configDir.resolve("main.cf"), main.entrySet().stream()
                        .map(e -> e.getKey() + " = " + e.getValue() + "\n").collect(Collectors.joining()));
                String masterTemplate;
                try (InputStream in = Postfix.class.getResourceAsStream("/postfix/master.cf")) {
                    if (in == null) {
                        throw new IllegalStateException("resource /postfix/master.cf missing");
                    }
                    masterTemplate = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
                Files.writeString(configDir.resolve("master.cf"),
                        masterTemplate.replace("${LISTEN}", HOST + ":" + port));
                backdate(configDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Map<String, String> mainCf(Path baseDir, Path configDir) {
            Map<String, String> main = new LinkedHashMap<>();
            main.put("compatibility_level", "3.6");
            main.put("queue_directory", baseDir.resolve("queue").toString());
            main.put("data_directory", baseDir.resolve("data").toString());
            main.put("maillog_file", baseDir.resolve("maillog").toString());
            main.put("maillog_file_prefixes", baseDir.toString());
            main.put("myhostname", myhostname);
            main.put("myorigin", "$myhostname");
            // Nothing is local: no passwd or aliases lookups, no local delivery.
            main.put("mydestination", "");
            main.put("local_recipient_maps", "");
            main.put("alias_maps", "");
            main.put("alias_database", "");
            main.put("inet_interfaces", "loopback-only");
            main.put("inet_protocols", "ipv4");
            main.put("mynetworks", "127.0.0.0/8");
            // No resolver: names are never looked up, in either direction.
            main.put("smtp_dns_support_level", "disabled");
            main.put("smtpd_peername_lookup", "no");
            // Every transport discards: accepted mail, bounces and DSNs included, never leaves.
            for (String transport : List.of("default_transport", "relay_transport", "local_transport",
                    "virtual_transport")) {
                main.put(transport, "discard");
            }
            main.put("content_filter", "");
            main.put("relay_domains", "");
            main.put("virtual_alias_maps", "");
            main.put("virtual_mailbox_domains", String.join(" ", recipientsByDomain.keySet()));
            main.put("virtual_mailbox_maps", "texthash:" + configDir.resolve("recipients"));
            // Loopback clients are in mynetworks but must still be refused relaying, like a stranger.
            main.put("smtpd_relay_restrictions", "reject_unauth_destination");
            main.put("smtpd_recipient_restrictions",
                    "check_recipient_access texthash:" + configDir.resolve("recipient_access"));
            main.put("smtpd_sender_restrictions", (rejectNonFqdnSender ? "reject_non_fqdn_sender, " : "")
                    + "check_sender_access texthash:" + configDir.resolve("sender_access"));
            if (strictHelo) {
                main.put("smtpd_helo_required", "yes");
                main.put("smtpd_helo_restrictions", "reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname");
            }
            main.put("smtpd_delay_reject", delayReject ? "yes" : "no");
            main.put("smtpd_discard_ehlo_keywords", dsn ? "" : "dsn");
            if (tlsCert != null) {
                main.put("smtpd_tls_security_level", "may");
                main.put("smtpd_tls_cert_file", configDir.resolve("tls-cert.pem").toString());
                main.put("smtpd_tls_key_file", configDir.resolve("tls-key.pem").toString());
            } else {
                main.put("smtpd_tls_security_level", "none");
            }
            main.put("biff", "no");
            main.putAll(extraMainCf);
            return main;
        }

        // Postfix re-reads main.cf and texthash maps until their mtime is in the past, 300 ms at a
        // time, so it never loads a half-written file; a fresh file would cost ~2 s of start-up.
        private static void backdate(Path configDir) throws IOException {
            FileTime past = FileTime.from(Instant.now().minusSeconds(60));
            try (Stream<Path> files = Files.list(configDir)) {
                for (Path file : files.collect(Collectors.toList())) {
                    Files.setLastModifiedTime(file, past);
                }
            }
        }

        private static void writeMap(Path file, Map<String, String> entries) throws IOException {
            Files.writeString(file, entries.entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue() + "\n").collect(Collectors.joining()));
        }
    }
}
