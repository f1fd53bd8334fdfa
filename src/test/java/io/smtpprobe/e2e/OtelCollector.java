package io.smtpprobe.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenTelemetry Collector (hack/otelcol: the OTLP receiver and the debug exporter, built from the Go module
 * proxy by hack/build-otelcol.sh, once) receiving OTLP/gRPC on a loopback port and logging every span in detail.
 */
final class OtelCollector implements AutoCloseable {
    private static final Path BUILD = Path.of("hack/build-otelcol.sh");

    private final Process process;
    private final Path log;
    private final int port;

    private OtelCollector(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static OtelCollector start() {
        try {
            Path binary = Path.of(build());
            int port = freeLoopbackPort();
            Path dir = Files.createTempDirectory("otelcol-");
            Path config = Files.writeString(dir.resolve("config.yaml"), """
                    receivers:
                      otlp:
                        protocols:
                          grpc: {endpoint: "127.0.0.1:%d"}
                    exporters:
                      debug: {verbosity: detailed}
                    service:
                      telemetry:
                        metrics: {level: none}
                      pipelines:
                        traces: {receivers: [otlp], exporters: [debug]}
                    """.formatted(port));
            Path log = dir.resolve("otelcol.log");
            ProcessBuilder builder = new ProcessBuilder(binary.toString(), "--config=file:" + config)
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
            var collector = new OtelCollector(builder.start(), log, port);
            collector.awaitListening();
            return collector;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The endpoint as QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT takes it. */
    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("otelcol exited with " + process.exitValue() + ":\n" + log());
            }
            try (var socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                OperatorProcess.sleep(200);
            }
        }
        close();
        throw new IllegalStateException("otelcol did not listen on 127.0.0.1:" + port + " within 30 s:\n" + log());
    }

    /** The binary's path; builds it on first use (minutes, from the Go module proxy). */
    private static String build() throws IOException {
        Process process = new ProcessBuilder(List.of("bash", BUILD.toString())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(20, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(BUILD + " failed: the collector could not be built (see its output above)");
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
