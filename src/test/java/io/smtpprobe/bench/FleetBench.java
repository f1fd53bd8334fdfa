package io.smtpprobe.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.operator.controller.Reports;
import io.smtpprobe.operator.status.SmtpProbeStatusAggregator;
import io.smtpprobe.testsupport.ControlPlane;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Memory per cached SmtpProbe, for {@code make bench}: the packaged operator at the chart's heap
 * (-Xmx384m) on the real kube-apiserver, with {@code bench.fleetCounts} (2,000 then 5,000) resources
 * that carry a healthy probe's status with a 10-entry history, as written through the status
 * subresource (so managedFields holds an entry for the spec and one for the status, as in a cluster).
 * At each count the operator is started twice, with its trimmed informer store and with
 * whole objects ({@code -Dsmtp-probe-bench.keep-whole-objects=true}), and its live heap is read after a
 * full collection once the informer has listed everything. The statuses are current and the interval an
 * hour, so no probe runs and nothing but the cache grows with the count.
 *
 * <p>{@code mvn -B -ntp -q test -Dtest=FleetBench -DexcludedTestGroups= -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbench.fleetCounts=2000,5000}; writes {@code target/bench/fleet-memory.json}.
 */
@Tag("bench")
class FleetBench {
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final String NAMESPACE = "fleet";
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    private static final String KEEP_WHOLE = "-Dsmtp-probe-bench.keep-whole-objects=true";

    private final int[] counts = Arrays.stream(System.getProperty("bench.fleetCounts", "2000,5000").split(","))
            .map(String::trim).mapToInt(Integer::parseInt).sorted().toArray();
    private final String operatorHeap = System.getProperty("bench.fleetHeap", "384m");

    @Test
    void cachedProbesCostLessWithoutManagedFields() throws Exception {
        Path out = Path.of("target/bench");
        Files.createDirectories(out);
        Map<String, Double> live = new LinkedHashMap<>();
        try (ControlPlane cp = ControlPlane.start()) {
            KubernetesClient client = cp.kubernetesClient();
            cp.kubectl("apply", "-f", "crds/");
            cp.kubectl("wait", "--for=condition=Established", "crd/smtpprobes.smtpprobe.io", "--timeout=60s");
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
            int created = 0;
            for (int count : counts) {
                Instant t0 = Instant.now();
                create(client, created, count);
                System.out.printf(Locale.ROOT, "created %d resources in %.1f s%n", count - created,
                        Duration.between(t0, Instant.now()).toMillis() / 1000.0);
                created = count;
                for (boolean trimmed : new boolean[] {true, false}) {
                    double mib = liveHeapWithCache(cp, out, trimmed, count);
                    live.put((trimmed ? "trimmed" : "whole") + "@" + count, mib);
                    System.out.printf(Locale.ROOT, "%s objects, %d resources: live heap %.1f MiB%n",
                            trimmed ? "trimmed" : "whole", count, mib);
                }
            }
            // the heap's fixed part (classes' statics, pools, Vert.x) cancels out between two counts
            int low = counts[0];
            int high = counts[counts.length - 1];
            double perThousandTrimmed = perThousand(live, "trimmed", low, high);
            double perThousandWhole = perThousand(live, "whole", low, high);
            var fields = new ArrayList<String>();
            live.forEach((k, v) -> fields.add(String.format(Locale.ROOT, "\"%s\":%.1f", k, v)));
            String json = String.format(Locale.ROOT, "{\"scenario\":\"fleet-memory\",\"operatorXmx\":\"%s\",\"counts\":\"%s\","
                            + "\"liveHeapMiB\":{%s},\"trimmedMiBPer1000\":%.2f,\"wholeMiBPer1000\":%.2f,\"sample\":%s}",
                    operatorHeap, Arrays.toString(counts), String.join(",", fields), perThousandTrimmed, perThousandWhole,
                    sampleAsStored(client));
            System.out.println(json);
            Files.writeString(out.resolve("fleet-memory.json"), json + "\n");
        }
    }

    private static double perThousand(Map<String, Double> live, String mode, int low, int high) {
        if (high == low) {
            return live.get(mode + "@" + high) * 1000.0 / high;
        }
        return (live.get(mode + "@" + high) - live.get(mode + "@" + low)) * 1000.0 / (high - low);
    }

    /** Sizes of one resource as the API server returns it: JSON octets, whole and its managedFields. */
    private static String sampleAsStored(KubernetesClient client) {
        var probe = client.resources(SmtpProbe.class).inNamespace(NAMESPACE).withName("p0").get();
        var json = io.fabric8.kubernetes.client.utils.Serialization.asJson(probe);
        var managed = io.fabric8.kubernetes.client.utils.Serialization.asJson(probe.getMetadata().getManagedFields());
        var status = io.fabric8.kubernetes.client.utils.Serialization.asJson(probe.getStatus());
        return String.format(Locale.ROOT, "{\"jsonBytes\":%d,\"managedFieldsJsonBytes\":%d,\"statusJsonBytes\":%d}",
                json.length(), managed.length(), status.length());
    }

    private double liveHeapWithCache(ControlPlane cp, Path out, boolean trimmed, int count) throws Exception {
        int httpPort = freePort();
        var command = new ArrayList<>(List.of(JAVA.toString(), "-Xmx" + operatorHeap, "-XX:+ExitOnOutOfMemoryError"));
        if (!trimmed) {
            command.add(KEEP_WHOLE);
        }
        command.addAll(List.of("-jar", "target/quarkus-app/quarkus-run.jar", "operator"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.resolve("fleet-operator-" + (trimmed ? "trimmed" : "whole") + "-" + count + ".log").toFile());
        pb.environment().keySet().removeIf(key -> key.toLowerCase(Locale.ROOT).endsWith("_proxy"));
        pb.environment().put("KUBECONFIG", cp.kubeconfigPath().toString());
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        // no probe is due; should one run, it stays on loopback and finds nothing
        pb.environment().put("SMTPPROBE_DNS_SERVERS", "127.0.0.1:" + freePort());
        pb.environment().put("SMTPPROBE_LEADER_ELECTION_ENABLED", "false");
        Process operator = pb.start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            awaitReady(operator, http, httpPort, Duration.ofMinutes(10));
            // the SDK reconciles every resource once after the list: let that settle before measuring
            Thread.sleep(Math.max(10_000, count * 2L));
            double least = Double.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                least = Math.min(least, liveHeapMiB(operator, http, httpPort));
            }
            return least;
        } finally {
            operator.destroy();
            if (!operator.waitFor(30, TimeUnit.SECONDS)) {
                operator.destroyForcibly().waitFor();
            }
        }
    }

    private static void awaitReady(Process operator, HttpClient http, int port, Duration max) throws Exception {
        Instant end = Instant.now().plus(max);
        while (Instant.now().isBefore(end)) {
            if (!operator.isAlive()) {
                throw new AssertionError("the operator exited with " + operator.exitValue());
            }
            try {
                var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the operator's informers did not list within " + max);
    }

    /** Creates resources [from, to) with their statuses, eight at a time. */
    private static void create(KubernetesClient client, int from, int to) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            var done = new ArrayList<Future<?>>();
            for (int i = from; i < to; i++) {
                int n = i;
                done.add(pool.submit(() -> createProbe(client, n)));
            }
            for (var f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static void createProbe(KubernetesClient client, int n) {
        String domain = "d" + n + ".fleet.test";
        SmtpProbeSpec spec = new SmtpProbeSpec();
        spec.setDomains(List.of(domain));
        spec.setRcptTo(List.of("postmaster@" + domain));
        spec.setInterval("1h");
        SmtpProbe probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withName("p" + n).withNamespace(NAMESPACE).build());
        probe.setSpec(spec);
        var made = client.resources(SmtpProbe.class).inNamespace(NAMESPACE).resource(probe).create();
        made.setStatus(healthyForTenProbes(domain, Instant.now()));
        // through the status subresource: the API server keeps a managedFields entry of its own for it
        client.resources(SmtpProbe.class).inNamespace(NAMESPACE).resource(made).updateStatus();
    }

    /** Ten accepted probes a minute apart, the last just now, the next in an hour: the status of a healthy resource. */
    private static SmtpProbeStatus healthyForTenProbes(String domain, Instant now) {
        var aggregator = new SmtpProbeStatusAggregator(Clock.fixed(now, ZoneOffset.UTC));
        SmtpProbeStatus status = null;
        for (int i = 9; i >= 0; i--) {
            Duration untilNext = i == 0 ? Duration.ofHours(1) : Duration.ofMinutes(1);
            status = aggregator.probed(Reports.allAccepted(domain), status, 1, now.minus(Duration.ofMinutes(i)), untilNext);
        }
        return status.toBuilder().probedBy("smtp-probe-operator-0").build();
    }

    /** Heap in use right after a full collection the bench asks for (jcmd GC.run). */
    private static double liveHeapMiB(Process operator, HttpClient http, int port) throws IOException, InterruptedException {
        Process gc = new ProcessBuilder(JCMD.toString(), String.valueOf(operator.pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            gc.destroyForcibly();
            throw new AssertionError("jcmd GC.run failed");
        }
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        Matcher m = HEAP.matcher(body);
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum / 1048576.0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
