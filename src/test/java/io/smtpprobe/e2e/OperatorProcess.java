package io.smtpprobe.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged operator ({@code java -jar target/quarkus-app/quarkus-run.jar operator}) as a local process, the
 * way the chart's Deployment runs it: configured only through environment variables, authenticated by a
 * kubeconfig. Its HTTP port (health, metrics) is a free loopback port.
 */
final class OperatorProcess implements AutoCloseable {

    static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final String identity;
    private final Process process;
    private final Path log;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .proxy(HttpClient.Builder.NO_PROXY).build();

    private OperatorProcess(String identity, Process process, Path log, int httpPort) {
        this.identity = identity;
        this.process = process;
        this.log = log;
        this.httpPort = httpPort;
    }

    /** Starts the operator and returns once it reports ready (informers synced). */
    static OperatorProcess start(String identity, Path kubeconfig, Map<String, String> settings) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the e2e tests run after `mvn package`");
        }
        int port = freeLoopbackPort();
        Map<String, String> env = new HashMap<>(settings);
        env.put("KUBECONFIG", kubeconfig.toAbsolutePath().toString());
        env.put("SMTPPROBE_LEADER_ELECTION_IDENTITY", identity);
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        try {
            Path log = Files.createTempFile("operator-" + identity + "-", ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", JAR.toString(), "operator"))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
            builder.environment().putAll(env);
            OperatorProcess operator = new OperatorProcess(identity, builder.start(), log, port);
            operator.awaitReady(Duration.ofSeconds(90));
            return operator;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String identity() {
        return identity;
    }

    /** Where this operator's HTTP server listens, for tests that call it with their own headers. */
    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Domain probes this process has completed, from its Prometheus counter smtpprobe_probes_total. */
    long probesCompleted() {
        return get("/q/metrics").lines()
                .filter(line -> line.startsWith("smtpprobe_probes_total{"))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** SIGTERM, as Kubernetes stops a pod: the operator releases its lease on the way out. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** SIGKILL, like a crashed node: nothing is released, the lease has to expire. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("operator " + identity + " exited with " + process.exitValue()
                        + ":\n" + log());
            }
            try {
                HttpResponse<String> response = http.send(request("/q/health/ready"),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException notListeningYet) {
                last = notListeningYet.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        kill();
        throw new IllegalStateException("operator " + identity + " not ready within " + timeout + " (" + last
                + "):\n" + log());
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = http.send(request(path), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " on operator " + identity + ": "
                        + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build();
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
