package io.smtpprobe.e2e;

import io.smtpprobe.testsupport.ApiServerProxy;
import io.smtpprobe.testsupport.ControlPlane;
import io.smtpprobe.testsupport.CountingSmtpSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the controller-fault tests share: a control plane with the CRD, a {@link CountingSmtpSink} that
 * every resource probes with its own recipient, operators run as processes watching one namespace, and an
 * {@link ApiServerProxy} per test between an operator and the API server.
 */
final class FaultScene implements AutoCloseable {
    static final Path CRDS = Path.of("crds");
    static final Duration INTERVAL = Duration.ofSeconds(30);

    final ControlPlane controlPlane;
    final CountingSmtpSink sink = CountingSmtpSink.start();
    private final Path scratch;
    private final List<OperatorProcess> operators = new ArrayList<>();
    private final List<ApiServerProxy> proxies = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .proxy(HttpClient.Builder.NO_PROXY).build();

    FaultScene(ControlPlane controlPlane) {
        this.controlPlane = controlPlane;
        try {
            scratch = Files.createTempDirectory("controller-faults-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        controlPlane.kubectl("apply", "--server-side", "--force-conflicts", "-f", CRDS.toString());
        controlPlane.kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/smtpprobes.smtpprobe.io");
    }

    /** The operator, watching only {@code namespace}, probing the sink with no jitter unless {@code extra} says. */
    OperatorProcess startOperator(String namespace, Path kubeconfig, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                "SMTPPROBE_WATCH_NAMESPACES", namespace,
                "SMTPPROBE_POLICY_ALLOWED_PORTS", Integer.toString(sink.port()),
                "SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.0/8",
                "SMTPPROBE_SCHEDULE_JITTER", "0"));
        env.putAll(extra);
        OperatorProcess operator = OperatorProcess.start(namespace, kubeconfig, env);
        operators.add(operator);
        return operator;
    }

    /** A fresh relay to the API server; {@link ApiServerProxy#kubeconfig} gives the kubeconfig through it. */
    ApiServerProxy proxy() {
        ApiServerProxy proxy = ApiServerProxy.to(controlPlane.apiServerUrl());
        proxies.add(proxy);
        return proxy;
    }

    Path kubeconfigThrough(ApiServerProxy proxy) {
        return proxy.kubeconfig(controlPlane.kubeconfigPath(), controlPlane.apiServerUrl(),
                scratch.resolve("kubeconfig-proxy-" + System.nanoTime()));
    }

    /** Kills the operators and closes the relays of one test. */
    void reset() {
        operators.forEach(OperatorProcess::kill);
        operators.clear();
        proxies.forEach(ApiServerProxy::close);
        proxies.clear();
    }

    @Override
    public void close() {
        reset();
        sink.close();
    }

    String probe(String name, Duration interval) {
        return """
                apiVersion: smtpprobe.io/v1alpha1
                kind: SmtpProbe
                metadata:
                  name: %s
                spec:
                  servers: ["127.0.0.1:%d"]
                  rcptTo: ["%s"]
                  interval: %ds
                """.formatted(name, sink.port(), rcpt(name), interval.toSeconds());
    }

    static String rcpt(String name) {
        return name + "@faults.test";
    }

    String namespace(String name) {
        apply(null, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + name + "\n");
        return name;
    }

    void apply(String namespace, String yaml) {
        Path file = write("object-" + System.nanoTime() + ".yaml", yaml);
        if (namespace == null) {
            controlPlane.kubectl("apply", "-f", file.toString());
        } else {
            controlPlane.kubectl("apply", "-n", namespace, "-f", file.toString());
        }
    }

    String jsonpath(String namespace, String name, String path) {
        return controlPlane.kubectl("get", "smtpprobe", name, "-n", namespace, "-o", "jsonpath=" + path).strip();
    }

    /** The HTTP status of one of the operator's endpoints, -1 when it does not answer. */
    int health(OperatorProcess operator, String path) {
        try {
            return http.send(HttpRequest.newBuilder(operator.uri(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Path write(String name, String content) {
        try {
            return Files.writeString(scratch.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Milliseconds between consecutive probes of one recipient. */
    List<Long> gapsMillis(String mailbox) {
        var times = sink.rcpts().stream().filter(r -> r.mailbox().equals(mailbox)).mapToLong(CountingSmtpSink.Rcpt::nanos).toArray();
        var gaps = new ArrayList<Long>();
        for (int i = 1; i < times.length; i++) {
            gaps.add(Duration.ofNanos(times[i] - times[i - 1]).toMillis());
        }
        return gaps;
    }

    static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }

    static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }

    static void awaitUntil(Duration timeout, Supplier<Boolean> condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout + ":\n" + diagnostics.get());
            }
            OperatorProcess.sleep(250);
        }
    }
}
