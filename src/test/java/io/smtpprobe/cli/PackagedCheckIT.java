package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What `mvn package` ships for the command line: a product jar without benchmark code, and
 * {@code bin/check}, which must answer exactly as the documented {@code java -jar quarkus-run.jar check}.
 */
@Tag("e2e")
class PackagedCheckIT {
    private static final Path APP = Path.of("target/quarkus-app");
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    private static ServerSocket peer;
    private static Thread peerThread;

    @BeforeAll
    static void startPeer() throws IOException {
        peer = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        peerThread = new Thread(PackagedCheckIT::serve, "smtp-peer");
        peerThread.setDaemon(true);
        peerThread.start();
    }

    @AfterAll
    static void stopPeer() throws IOException {
        peer.close();
    }

    @Test
    void productJarHoldsNoBenchmarkCode() throws IOException {
        List<Path> jars;
        try (Stream<Path> files = Files.list(APP.resolve("app"))) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).toList();
        }
        assertThat(jars).isNotEmpty();
        for (Path jar : jars) {
            try (JarFile file = new JarFile(jar.toFile())) {
                // Files only: an incremental build can leave the empty directory of a class that moved out.
                assertThat(file.stream().filter(e -> !e.isDirectory()).map(JarEntry::getName))
                        .noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("bench"));
            }
        }
    }

    @Test
    void archiveFitsTheClassPathAndTheJvm() throws Exception {
        // -Xshare:on refuses to start with an archive it cannot use, where bin/check would quietly read jars
        Result r = run(List.of(JAVA, "-Xshare:on", "@target/check/check.args", "--help"));
        assertThat(r.exit()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("--server");
    }

    static Stream<List<String>> checkRuns() {
        String server = "127.0.0.1:" + peer.getLocalPort();
        return Stream.of(
                List.of("--help"),
                List.of("--server", server, "--rcpt-to", "user@contoso.test", "contoso.test"),
                List.of("--server", server, "--rcpt-to", "nobody@contoso.test", "contoso.test"),
                List.of("--server", "127.0.0.1:1", "contoso.test"),
                List.of("--mail-from", "a@b.test\r\nRCPT TO:<x@y.test>", "contoso.test"),
                List.of("--port", "0", "contoso.test"));
    }

    @ParameterizedTest
    @MethodSource("checkRuns")
    void binCheckAnswersAsTheDocumentedCommand(List<String> args) throws Exception {
        List<String> documented = new ArrayList<>(List.of(JAVA, "-jar", APP.resolve("quarkus-run.jar").toString(), "check"));
        documented.addAll(args);
        List<String> fast = new ArrayList<>(List.of("bin/check"));
        fast.addAll(args);

        Result expected = run(documented);
        Result actual = run(fast);

        assertThat(actual.stdout()).isEqualTo(expected.stdout());
        assertThat(actual.stderr()).isEqualTo(expected.stderr());
        assertThat(actual.exit()).isEqualTo(expected.exit());
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(List<String> command) throws Exception {
        Path out = Files.createTempFile("check", ".out");
        Path err = Files.createTempFile("check", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Accepts user@ and refuses every other recipient; no STARTTLS, so both runs see the same dialogue. */
    private static void serve() {
        while (!peer.isClosed()) {
            try (Socket s = peer.accept()) {
                var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                OutputStream out = s.getOutputStream();
                reply(out, "220 mx.contoso.test ESMTP");
                for (String line; (line = in.readLine()) != null; ) {
                    String command = line.toUpperCase(Locale.ROOT);
                    if (command.startsWith("EHLO")) {
                        reply(out, "250-mx.contoso.test\r\n250-ENHANCEDSTATUSCODES\r\n250 DSN");
                    } else if (command.startsWith("MAIL")) {
                        reply(out, "250 2.1.0 Ok");
                    } else if (command.startsWith("RCPT")) {
                        reply(out, command.contains("<USER@") ? "250 2.1.5 Ok" : "550 5.1.1 User unknown");
                    } else if (command.startsWith("QUIT")) {
                        reply(out, "221 2.0.0 Bye");
                        break;
                    } else {
                        reply(out, "502 5.5.2 Error: command not recognized");
                    }
                }
            } catch (IOException e) {
                // the peer closes at the end, or a client went away: the run's output shows it
            }
        }
    }

    private static void reply(OutputStream out, String lines) throws IOException {
        out.write((lines + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
