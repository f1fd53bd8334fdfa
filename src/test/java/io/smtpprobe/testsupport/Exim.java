package io.smtpprobe.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A private, throw-away Exim (Debian's exim4-daemon-light, unpacked into the tool cache by
 * hack/install-exim.sh, never installed) listening only on {@link #host()}:{@link #port()}. It has
 * no transport and no DNS router, so nothing it accepts leaves the host (see {@link EximConfiguration});
 * config, spool, logs and pid file live in a temp directory removed by {@link #close()}, which also
 * stops every process of the instance. Needs root: Exim accepts a {@code -C} config from root and
 * then runs as Debian-exim.
 *
 * <pre>{@code
 * try (Exim mx = Exim.builder().domain("accept.test", "alice").start()) {
 *     // RCPT TO:<alice@accept.test> -> 250 Accepted, <bob@accept.test> -> 550 Unrouteable address,
 *     // <x@other.test> -> 550 relay not permitted
 * }
 * }</pre>
 */
public final class Exim implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    static final String USER = "Debian-exim";

    private static final int START_ATTEMPTS = 3;

    private final Path baseDir;
    private final String host;
    private final int port;
    private final ProcessGroup processes;
    private final Thread shutdownHook;
    private volatile String logAfterClose;

    private Exim(Path baseDir, String host, int port, ProcessGroup processes) {
        this.baseDir = baseDir;
        this.host = host;
        this.port = port;
        this.processes = processes;
        this.shutdownHook = new Thread(this::stopQuietly, "exim-" + port + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static EximBuilder builder() {
        return new EximBuilder();
    }

    /** The unpacked package: {@code $SMTPPROBE_CACHE/exim}. */
    public static Path installation() {
        return ControlPlaneBinaries.cacheDir().resolve("exim");
    }

    static Path binary() {
        return installation().resolve("usr/sbin/exim4");
    }

    static Path libraries() {
        return installation().resolve("usr/lib/x86_64-linux-gnu");
    }

    /** Where an instance's copy of the binary lives (see {@link EximBuilder}). */
    static Path binaryOf(Path baseDir) {
        return baseDir.resolve("bin/exim4");
    }

    /** Where an instance's copy of the libraries lives. */
    static Path librariesOf(Path baseDir) {
        return baseDir.resolve("lib");
    }

    /** The first line of {@code exim -bV}, e.g. "Exim version 4.96 #2 built 26-Nov-2026 14:26:47". */
    public static String version() {
        requireInstalled();
        try {
            ProcessBuilder bv = new ProcessBuilder(binary().toString(), "-C", "/dev/null", "-bV")
                    .redirectErrorStream(true);
            bv.environment().put("LD_LIBRARY_PATH", libraries().toString());
            Process process = bv.start();
            String first = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                    .lines().filter(l -> l.startsWith("Exim version")).findFirst().orElse("");
            process.waitFor(10, TimeUnit.SECONDS);
            return first;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The config file the daemon runs with; every process of the instance has it on its command line. */
    public Path configFile() {
        return baseDir.resolve("conf/exim.conf");
    }

    /** The whole mainlog so far; after {@link #close()} the log as it was at shutdown. */
    public String mainlog() {
        String closed = logAfterClose;
        return closed != null ? closed : readQuietly(baseDir.resolve("log/mainlog"));
    }

    public List<String> mainlogLines(String regex) {
        Pattern pattern = Pattern.compile(regex);
        return mainlog().lines().filter(l -> pattern.matcher(l).find()).collect(Collectors.toList());
    }

    /** Waits for {@code atLeast} mainlog lines matching {@code regex}: Exim delivers after it replied. */
    public List<String> awaitMainlog(String regex, int atLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> lines = mainlogLines(regex);
            if (lines.size() >= atLeast) {
                return lines;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + atLeast + " mainlog lines matching /" + regex
                        + "/ within " + timeout + ", got " + lines.size() + ":\n" + mainlog());
            }
            ProcessGroup.sleep(Duration.ofMillis(25));
        }
    }

    /** Live process ids of this instance (the daemon and its connection and delivery children). */
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
            System.err.println("could not stop Exim on port " + port + ": " + e);
        }
    }

    private synchronized void stop() {
        if (logAfterClose != null) {
            return;
        }
        processes.terminate(Duration.ofSeconds(5));
        // CI saw one process still running with this config after its group had drained (once in many runs)
        ProcessGroup.terminateRunningWith(configFile().toString(), Duration.ofSeconds(5));
        logAfterClose = readQuietly(baseDir.resolve("log/mainlog"));
        deleteRecursively(baseDir);
    }

    static Exim start(EximBuilder builder) {
        requireInstalled();
        IllegalStateException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort(builder.address());
            Path baseDir = createBaseDir();
            try {
                return startOnce(builder, baseDir, port);
            } catch (PortTakenException e) {
                // Another test took the port between our probe and Exim's bind: try another.
                lastFailure = e;
            } catch (RuntimeException e) {
                deleteRecursively(baseDir);
                throw e;
            }
            deleteRecursively(baseDir);
        }
        throw lastFailure;
    }

    private static Exim startOnce(EximBuilder builder, Path baseDir, int port) {
        builder.writeInstance(baseDir, port);
        Process launcher;
        try {
            // setsid: the daemon leads its own process group, which then holds every child it forks
            // for a connection or a delivery, and only those.
            ProcessBuilder command = new ProcessBuilder("setsid", binaryOf(baseDir).toString(),
                    "-C", baseDir.resolve("conf/exim.conf").toString(), "-bdf")
                    .directory(baseDir.toFile())
                    .redirectInput(new File("/dev/null"))
                    .redirectErrorStream(true)
                    .redirectOutput(baseDir.resolve("exim.out").toFile());
            command.environment().put("LD_LIBRARY_PATH", librariesOf(baseDir).toString());
            launcher = command.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Exim", e);
        }
        // setsid execs in place (Java's child never leads a group), so the launcher is the daemon.
        ProcessGroup group = new ProcessGroup(launcher.pid());
        try {
            awaitGreeting(builder.address(), port, launcher, baseDir);
            long daemon = Long.parseLong(readQuietly(baseDir.resolve("exim.pid")).trim());
            if (daemon != launcher.pid()) {
                throw new IllegalStateException("Exim's pid file says " + daemon + ", its launcher was " + launcher.pid());
            }
        } catch (RuntimeException e) {
            group.terminate(Duration.ofSeconds(2));
            throw e;
        }
        return new Exim(baseDir, builder.address(), port, group);
    }

    private static void awaitGreeting(String host, int port, Process launcher, Path baseDir) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String lastProblem = "";
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 500);
                socket.setSoTimeout(2000);
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
            String log = startupLog(baseDir);
            if (log.contains("Address already in use")) {
                throw new PortTakenException(port);
            }
            if (!launcher.isAlive()) {
                throw startupFailure("exim exited with " + launcher.exitValue(), baseDir);
            }
            ProcessGroup.sleep(Duration.ofMillis(50));
        }
        throw startupFailure("no 220 greeting on " + host + ":" + port + " within 15s (" + lastProblem + ")", baseDir);
    }

    private static void requireInstalled() {
        if (!Files.isExecutable(binary())) {
            throw new IllegalStateException("Exim is not unpacked at " + binary() + ": run hack/install-deps.sh");
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("a private Exim instance needs root (Exim honours -C from root only)");
        }
    }

    private static int freePort(String address) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(address, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createBaseDir() {
        try {
            Path dir = Files.createTempDirectory("exim-");
            // Debian-exim must traverse into it to reach its spool, logs and config.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String startupLog(Path baseDir) {
        return readQuietly(baseDir.resolve("exim.out")) + readQuietly(baseDir.resolve("log/paniclog"))
                + readQuietly(baseDir.resolve("log/mainlog"));
    }

    private static IllegalStateException startupFailure(String what, Path baseDir) {
        return new IllegalStateException("Exim did not start: " + what + "\n--- output and logs\n" + startupLog(baseDir)
                + "--- config\n" + readQuietly(baseDir.resolve("conf/exim.conf")));
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
            super("port " + port + " was taken before Exim could bind it");
        }
    }
}
