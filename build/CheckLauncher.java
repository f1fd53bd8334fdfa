import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Prepares the fast start of {@code bin/check} at package time (`mvn package` runs it after Quarkus
 * has built target/quarkus-app): {@code java build/CheckLauncher.java TARGET_DIR} writes TARGET_DIR/check/
 * <ul>
 *   <li>{@code check.jar}: no classes, only a manifest Class-Path over the application jar and the
 *       libraries check uses ({@link #CHECK_LIBRARIES}), so the CLI starts on the plain application
 *       class path instead of Quarkus's launcher (which reads the whole application model before
 *       {@code main} runs);</li>
 *   <li>{@code check.jsa}: an AppCDS archive of every class that training runs of {@code check} loaded
 *       (a loopback DNS server and SMTP peer of this file answer them), so those classes are mapped
 *       from the archive instead of being read, parsed and verified from jars on every run;</li>
 *   <li>{@code check.args}: the JVM options and class path, one java argument file, and {@code java}:
 *       the JVM the archive belongs to (an archive only works on the JVM build that dumped it).</li>
 * </ul>
 * Outside the product on purpose: it is build tooling, and the image runs the operator, not check.
 */
public class CheckLauncher {
    /** The same options for training, dump and every run: an archive is refused when they differ. */
    static final List<String> JVM_OPTIONS = List.of(
            // A run lasts well under a second: C2 would only compete with the probe for the CPU.
            "-XX:TieredStopAtLevel=1",
            // A few MiB of short-lived garbage; G1's set-up costs more than it saves here.
            "-XX:+UseSerialGC",
            "-XX:-UsePerfData",
            // Map the archive at the address it was dumped for: by default this JDK maps it at a random
            // address and rewrites every pointer in it at each start (20-35 ms). It holds class metadata.
            "-XX:+UnlockDiagnosticVMOptions",
            "-XX:ArchiveRelocationMode=0",
            // The engine resolves with dnsjava and hands Vert.x addresses: Vert.x's own resolver would
            // only be built and closed again.
            "-Dvertx.disableDnsResolver=true",
            // No class path resources are served: no .vertx cache directory either.
            "-Dvertx.disableFileCPResolving=true",
            // Vert.x logs to JUL (stderr) without probing for SLF4J and Log4j. The SLF4J binding of the
            // jar is JBoss LogManager's, which only Quarkus's launcher sets up: without it SLF4J would
            // print its own warnings. With SLF4J silent, Netty logs to JUL too (it skips a NOP SLF4J);
            // dnsjava logs only at debug level.
            "-Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.JULLogDelegateFactory",
            "-Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider",
            "-Dslf4j.internal.verbosity=WARN");

    /**
     * The only libraries on check's class path: what the packages {@code check} runs may import
     * (build/import-control.xml: picocli, Vert.x core, dnsjava, ICU, Jackson) and what those need at
     * run time (Netty, SLF4J's API). An allow-list, not a list of the operator's jars: every jar on the
     * class path is opened and searched at each lookup of a class that is not there (picocli's probe
     * for Groovy, the logging probes of Vert.x and Netty), so each library the operator gains (the
     * tracing exporter's OpenTelemetry, gRPC, Protobuf and Guava jars) made every run slower. The
     * training runs below prove at each build that check needs nothing else.
     */
    static final List<String> CHECK_LIBRARIES = List.of("info.picocli.", "io.vertx.vertx-core-", "io.netty.",
            "dnsjava.", "com.ibm.icu.", "com.fasterxml.jackson.core.", "org.slf4j.slf4j-api-");

    public static void main(String[] args) throws Exception {
        Path target = Path.of(args[0]).toAbsolutePath().normalize();
        Path app = target.resolve("quarkus-app");
        Path dir = target.resolve("check");
        Files.createDirectories(dir);
        Path jar = dir.resolve("check.jar");
        Path archive = dir.resolve("check.jsa");
        Files.deleteIfExists(archive);
        Files.deleteIfExists(dir.resolve("training.log"));
        writeClassPathJar(jar, dir, app);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> base = new ArrayList<>(JVM_OPTIONS);
        base.addAll(List.of("-cp", jar.toString()));

        Set<String> classes = new LinkedHashSet<>();
        try (TrainingPeers peers = TrainingPeers.start(dir, java)) {
            int n = 0;
            for (TrainingRun run : peers.trainingRuns()) {
                Path list = dir.resolve("training-" + n++ + ".classlist");
                List<String> cmd = new ArrayList<>(List.of(java, "-XX:DumpLoadedClassList=" + list));
                cmd.addAll(base);
                cmd.addAll(List.of("io.smtpprobe.Main", "check"));
                cmd.addAll(run.args());
                Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("training.log").toFile())).start();
                if (!p.waitFor(2, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("training run " + run.args() + " did not finish");
                }
                int exit = p.exitValue();
                if (exit != run.exit()) {
                    throw new IllegalStateException("training run " + run.args() + " exited " + exit + ", expected "
                            + run.exit() + ": see " + dir.resolve("training.log"));
                }
                classes.addAll(classList(list));
                Files.delete(list);
            }
        }
        Path classList = dir.resolve("check.classlist");
        Files.write(classList, classes);
        List<String> dump = new ArrayList<>(List.of(java, "-Xshare:dump", "-XX:SharedClassListFile=" + classList,
                "-XX:SharedArchiveFile=" + archive));
        dump.addAll(base);
        int exit = new ProcessBuilder(dump).redirectErrorStream(true)
                .redirectOutput(dir.resolve("dump.log").toFile()).start().waitFor();
        if (exit != 0 || !Files.exists(archive)) {
            throw new IllegalStateException("AppCDS dump failed, see " + dir.resolve("dump.log"));
        }

        List<String> runArgs = new ArrayList<>(List.of("-XX:SharedArchiveFile=" + archive));
        runArgs.addAll(base);
        runArgs.addAll(List.of("io.smtpprobe.Main", "check"));
        Files.write(dir.resolve("check.args"), runArgs.stream().map(CheckLauncher::quoted).toList());
        Files.writeString(dir.resolve("java"), java + "\n");
        System.out.printf("[check launcher] %d classes archived in %s (%d KiB)%n", classes.size(), archive,
                Files.size(archive) / 1024);
    }

    /** Relative entries resolve against the jar's own directory, whatever the working directory. */
    static void writeClassPathJar(Path jar, Path dir, Path app) throws IOException {
        List<Path> jars = new ArrayList<>();
        for (String sub : List.of("app", "lib/main")) {
            try (Stream<Path> s = Files.list(app.resolve(sub))) {
                s.filter(p -> p.toString().endsWith(".jar"))
                        .filter(p -> sub.equals("app") || CHECK_LIBRARIES.stream().anyMatch(p.getFileName().toString()::startsWith))
                        .sorted().forEach(jars::add);
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH,
                jars.stream().map(p -> dir.relativize(p).toString()).collect(Collectors.joining(" ")));
        try (OutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
    }

    /**
     * The classes of one run, without the ids of this one file, so that runs can be merged. Classes of
     * custom loaders ("source:") need those ids; check has none, and leaving one out only means it is
     * loaded from its jar.
     */
    static List<String> classList(Path list) throws IOException {
        return Files.readAllLines(list).stream()
                .filter(l -> !l.startsWith("#") && !l.contains(" source: "))
                .map(l -> l.replaceFirst(" id: \\d+$", ""))
                .toList();
    }

    static String quoted(String arg) {
        return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** One {@code check} run and the exit code it must end with. */
    record TrainingRun(int exit, List<String> args) {
        TrainingRun(int exit, String... args) {
            this(exit, List.of(args));
        }
    }

    /** A DNS server for one zone and an SMTP peer that accepts everything, on loopback ports of their own. */
    static final class TrainingPeers implements AutoCloseable {
        private final ServerSocket smtp;
        private final DatagramSocket dns;
        private final int closedPort;
        private final SSLContext tls;

        private TrainingPeers(ServerSocket smtp, DatagramSocket dns, int closedPort, SSLContext tls) {
            this.smtp = smtp;
            this.dns = dns;
            this.closedPort = closedPort;
            this.tls = tls;
        }

        static TrainingPeers start(Path dir, String java) throws Exception {
            InetAddress loopback = InetAddress.getLoopbackAddress();
            int closedPort;
            try (ServerSocket probe = new ServerSocket(0, 1, loopback)) {
                closedPort = probe.getLocalPort();
            }
            TrainingPeers peers = new TrainingPeers(new ServerSocket(0, 50, loopback), new DatagramSocket(0, loopback),
                    closedPort, serverTls(dir, java));
            daemon(peers::serveSmtp);
            daemon(peers::serveDns);
            return peers;
        }

        /** A self-signed RSA certificate for STARTTLS, made by the JDK's keytool. */
        static SSLContext serverTls(Path dir, String java) throws Exception {
            Path store = dir.resolve("training.p12");
            Files.deleteIfExists(store);
            char[] password = "training".toCharArray();
            String keytool = Path.of(java).resolveSibling("keytool").toString();
            int exit = new ProcessBuilder(keytool, "-genkeypair", "-alias", "mx", "-keyalg", "RSA", "-keysize", "2048",
                    "-dname", "CN=mx.training.test", "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", "training").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("keytool exited " + exit);
            }
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(store)) {
                keys.load(in, password);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        }

        /** What users run: MX lookup and dialogue as text (STARTTLS offered), a test message as JSON, a refused port, bad input, help. */
        List<TrainingRun> trainingRuns() {
            String dnsServer = "127.0.0.1:" + dns.getLocalPort();
            String port = String.valueOf(smtp.getLocalPort());
            return List.of(
                    new TrainingRun(0, "--dns-server", dnsServer, "--port", port, "--rcpt-to", "user@training.test",
                            "training.test"),
                    new TrainingRun(0, "--dns-server", dnsServer, "--port", port, "--tls", "disabled", "--data",
                            "--subject", "training", "--json", "training.test"),
                    new TrainingRun(2, "--server", "127.0.0.1:" + closedPort, "training.test"),
                    new TrainingRun(3, "--server", "127.0.0.1:" + port, "--mail-from", "a@b.test\r\n", "training.test"),
                    new TrainingRun(0, "--help"));
        }

        private void serveSmtp() {
            while (!smtp.isClosed()) {
                try (Socket s = smtp.accept()) {
                    dialogue(s);
                } catch (IOException e) {
                    // closed at the end of training, or a client gone: the run reports it
                }
            }
        }

        private void dialogue(Socket s) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            send(out, "220 mx.training.test ESMTP");
            boolean data = false;
            boolean secure = false;
            for (String line; (line = in.readLine()) != null; ) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line;
                if (data) {
                    if (line.equals(".")) {
                        data = false;
                        send(out, "250 2.0.0 Ok: queued as TRAIN1");
                    }
                    continue;
                }
                switch (verb) {
                    case "EHLO" -> send(out, "250-mx.training.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
                            + (secure ? "" : "250-STARTTLS\r\n") + "250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250 DSN");
                    case "STAR" -> {
                        send(out, "220 2.0.0 Ready to start TLS");
                        SSLSocket upgraded = (SSLSocket) tls.getSocketFactory().createSocket(s, null, s.getPort(), false);
                        upgraded.setUseClientMode(false);
                        upgraded.startHandshake();
                        in = new BufferedReader(new InputStreamReader(upgraded.getInputStream(), StandardCharsets.US_ASCII));
                        out = upgraded.getOutputStream();
                        secure = true;
                    }
                    case "MAIL" -> send(out, "250 2.1.0 Ok");
                    case "RCPT" -> send(out, "250 2.1.5 Ok");
                    case "DATA" -> {
                        data = true;
                        send(out, "354 End data with <CR><LF>.<CR><LF>");
                    }
                    case "QUIT" -> {
                        send(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> send(out, "502 5.5.2 Error: command not recognized");
                }
            }
        }

        private static void send(OutputStream out, String reply) throws IOException {
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        /** MX 10 mx.training.test for any name; A 127.0.0.1 for any name; nothing else. */
        private void serveDns() {
            byte[] buf = new byte[512];
            while (!dns.isClosed()) {
                try {
                    DatagramPacket query = new DatagramPacket(buf, buf.length);
                    dns.receive(query);
                    byte[] answer = answer(buf, query.getLength());
                    dns.send(new DatagramPacket(answer, answer.length, query.getSocketAddress()));
                } catch (IOException e) {
                    // closed at the end of training
                }
            }
        }

        static byte[] answer(byte[] q, int length) {
            int end = 12;
            while (q[end] != 0) {
                end += (q[end] & 0xff) + 1;
            }
            int type = ((q[end + 1] & 0xff) << 8) | (q[end + 2] & 0xff);
            int questionEnd = end + 5;
            byte[] rdata = switch (type) {
                case 15 -> concat(new byte[] {0, 10}, name("mx.training.test"));
                case 1 -> new byte[] {127, 0, 0, 1};
                default -> null;
            };
            var out = new java.io.ByteArrayOutputStream();
            out.write(q, 0, 2);
            out.writeBytes(new byte[] {(byte) 0x84, 0x00, 0, 1, 0, (byte) (rdata == null ? 0 : 1), 0, 0, 0, 0});
            out.write(q, 12, questionEnd - 12);
            if (rdata != null) {
                out.writeBytes(new byte[] {(byte) 0xc0, 12, 0, (byte) type, 0, 1, 0, 0, 0, 60, 0, (byte) rdata.length});
                out.writeBytes(rdata);
            }
            return out.toByteArray();
        }

        static byte[] name(String name) {
            var out = new java.io.ByteArrayOutputStream();
            for (String label : name.split("\\.")) {
                out.write(label.length());
                out.writeBytes(label.getBytes(StandardCharsets.US_ASCII));
            }
            out.write(0);
            return out.toByteArray();
        }

        static byte[] concat(byte[] a, byte[] b) {
            byte[] r = new byte[a.length + b.length];
            System.arraycopy(a, 0, r, 0, a.length);
            System.arraycopy(b, 0, r, a.length, b.length);
            return r;
        }

        private static void daemon(Runnable r) {
            Thread t = new Thread(r, "training-peer");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() {
            dns.close();
            try {
                smtp.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
