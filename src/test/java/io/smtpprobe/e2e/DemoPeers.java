package io.smtpprobe.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo mail world of {@code make run} (hack/demo-peers.sh: dnsmasq serving .test, a discard-only Postfix on
 * port 2525), started through the same script so the tests probe exactly what the README shows. It runs on its
 * own loopback address, DNS port and state directory, so a concurrent {@code make run} does not collide.
 */
final class DemoPeers implements AutoCloseable {

    static final String ADDRESS = "127.0.0.4";
    private static final Path SCRIPT = Path.of("hack/demo-peers.sh");

    private final Map<String, String> environment;
    private final String resolver;
    private final Thread shutdownHook;

    private DemoPeers(Map<String, String> environment, String resolver) {
        this.environment = environment;
        this.resolver = resolver;
        this.shutdownHook = new Thread(this::stop, "demo-peers-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    static DemoPeers start() {
        Path state;
        try {
            state = Files.createTempDirectory("smtp-probe-demo-peers-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> environment = Map.of("DEMO_ADDRESS", ADDRESS,
                "DEMO_DNS_PORT", Integer.toString(freeDnsPort()), "DEMO_STATE", state.toString());
        String resolver = run(environment, "start").strip();
        return new DemoPeers(environment, resolver);
    }

    /** The demo dnsmasq as HOST:PORT, as SMTPPROBE_DNS_SERVERS takes it. */
    String resolver() {
        return resolver;
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs stop() itself
        }
        stop();
    }

    private void stop() {
        run(environment, "stop");
    }

    private static String run(Map<String, String> environment, String command) {
        try {
            Path out = Files.createTempFile("demo-peers-", ".out");
            Path err = Files.createTempFile("demo-peers-", ".err");
            ProcessBuilder builder = new ProcessBuilder(List.of("bash", SCRIPT.toString(), command))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("hack/demo-peers.sh " + command + " timed out");
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            Files.delete(out);
            Files.delete(err);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("hack/demo-peers.sh " + command + " exited with "
                        + process.exitValue() + ":\n" + stderr);
            }
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freeDnsPort() {
        try {
            InetAddress address = InetAddress.getByName(ADDRESS);
            for (int attempt = 0; attempt < 20; attempt++) {
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(address, 0));
                        ServerSocket tcp = new ServerSocket()) {
                    tcp.bind(new InetSocketAddress(address, udp.getLocalPort()));
                    return udp.getLocalPort();
                } catch (IOException taken) {
                    // try another
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no port free for both UDP and TCP on " + ADDRESS);
    }
}
