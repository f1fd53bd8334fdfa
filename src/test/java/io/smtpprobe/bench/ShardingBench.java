package io.smtpprobe.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.testsupport.ControlPlane;
import io.smtpprobe.testsupport.ProbeLedger;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Sharded probing, for {@code make bench}: 3 packaged operators with sharding on share N SmtpProbes
 * (default 15,000, interval 5m) on the real kube-apiserver, all probing smtp-sink on loopback. One
 * steady interval, then one replica is SIGKILLed, a new one joins, and one is stopped with SIGTERM,
 * each followed by an interval. Measures the spread of resources and probes per replica, takeover
 * times (from the signal until every survivor's view dropped the replica), resources probed twice
 * within an interval, resources left unprobed beyond an interval plus the takeover, and status writes
 * per probe. Writes target/bench/sharding.json.
 */
@Tag("bench")
class ShardingBench {
    private static final String NAMESPACE = "sharding-bench";
    private static final double JITTER = 0.1;
    private static final Pattern MEMBERS = Pattern.compile("^smtpprobe_shard_members\\{[^}]*\\} ([0-9.]+)$", Pattern.MULTILINE);
    private static final Pattern LIVE = Pattern.compile("^jvm_gc_live_data_size_bytes(?:\\{[^}]*\\})? ([0-9.eE+]+)$", Pattern.MULTILINE);

    private final int resources = Integer.getInteger("bench.shardResources", 15_000);
    private final Duration interval = Duration.ofSeconds(Long.getLong("bench.shardIntervalSeconds", 300));
    private final int perHostLimit = Integer.getInteger("bench.shardPerHostLimit", 6);
    private final String heap = System.getProperty("bench.shardHeap", "512m");
    private final Duration lease = Duration.ofSeconds(15);
    private final Duration retry = Duration.ofSeconds(2);

    private final ProbeLedger ledger = new ProbeLedger();
    private final Map<String, Replica> replicas = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    private ControlPlane cp;
    private int sinkPort;

    private record Replica(String name, Process process, int port) {
    }

    @Test
    void threeReplicasShareTheFleet() throws Exception {
        Path out = Path.of("target/bench");
        Files.createDirectories(out);
        sinkPort = freePort();
        Process sink = new ProcessBuilder("smtp-sink", "-u", "nobody", "127.0.0.1:" + sinkPort, "1024")
                .redirectErrorStream(true).redirectOutput(out.resolve("sharding-sink.log").toFile()).start();
        try (ControlPlane plane = ControlPlane.start()) {
            cp = plane;
            KubernetesClient client = cp.kubernetesClient();
            cp.kubectl("apply", "--server-side", "-f", "crds/");
            cp.kubectl("wait", "--for=condition=Established", "crd/smtpprobes.smtpprobe.io", "--timeout=60s");
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
            var informer = client.resources(SmtpProbe.class).inNamespace(NAMESPACE).inform(ledger, 0);
            for (String name : List.of("shard-a", "shard-b", "shard-c")) {
                start(name, out);
            }
            awaitMembers(3, Duration.ofMinutes(3));

            Instant t0 = Instant.now();
            create(client);
            double createSeconds = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
            await(() -> ledger.resources() == resources, interval.plus(Duration.ofMinutes(5)), "every resource probed once");
            double firstCycleSeconds = Duration.between(t0, Instant.now()).toMillis() / 1000.0;

            // steady: one interval with 3 replicas
            Instant steadyStart = Instant.now();
            long writes0 = ledger.statusWrites();
            long probes0 = ledger.probeCount();
            sleep(interval.plus(interval.dividedBy(10)));
            Map<String, Long> owners = ledger.latestOwners();
            Map<String, Long> steadyProbes = ledger.probesByReplica(steadyStart);
            long steadyWrites = ledger.statusWrites() - writes0;
            long steadyProbeCount = ledger.probeCount() - probes0;
            double liveMiB = replicas.values().stream().mapToDouble(r -> metric(r, LIVE)).max().orElse(-1) / 1048576.0;

            // SIGKILL: nothing released, the Lease expires
            Instant killedAt = Instant.now();
            long killTakeoverMs = signal("shard-c", true, 2);
            sleep(interval.plus(interval.dividedBy(10)));
            Map<String, Long> afterKill = ledger.probesByReplica(killedAt);

            // a joiner: acts one lease duration after its Lease first appears
            long joinStart = System.nanoTime();
            start("shard-d", out);
            awaitMembers(3, Duration.ofMinutes(3));
            await(() -> metric(replicas.get("shard-d"), Pattern.compile("^smtpprobe_shard_acting\\{[^}]*\\} ([0-9.]+)$",
                    Pattern.MULTILINE)) == 1, Duration.ofMinutes(2), "shard-d acting");
            long joinMs = Duration.ofNanos(System.nanoTime() - joinStart).toMillis();

            // SIGTERM: the Lease is deleted on the way out
            Instant stoppedAt = Instant.now();
            long termTakeoverMs = signal("shard-b", false, 2);
            sleep(interval.plus(interval.dividedBy(10)));
            Map<String, Long> afterTerm = ledger.probesByReplica(stoppedAt);
            Instant end = Instant.now();
            informer.close();

            Duration minGap = Duration.ofMillis((long) (interval.toMillis() * (1 - JITTER))).minusSeconds(1);
            long takeover = Math.max(killTakeoverMs, termTakeoverMs);
            // The new owner probes an overdue resource within the jitter (spread, as after a restart, so a takeover
            // is no burst): an interval and its jitter, the takeover, then up to the jitter again; 2 s of rounding.
            Duration maxGap = Duration.ofMillis((long) (interval.toMillis() * (1 + 2 * JITTER)) + takeover).plusSeconds(2);
            List<String> twice = ledger.closerThan(minGap);
            // from the steady start: the first cycle, while thousands of creations queue at the API server, is not judged
            List<String> unprobed = ledger.longerThan(maxGap, steadyStart, end);
            Duration longest = ledger.longestGap(steadyStart);
            Duration shortest = ledger.shortestGap();
            String json = String.format(Locale.ROOT,
                    "{\"scenario\":\"sharding\",\"replicas\":3,\"resources\":%d,\"intervalSeconds\":%d,\"perHostLimit\":%d,"
                            + "\"operatorXmx\":\"%s\",\"createSeconds\":%.1f,\"firstCycleSeconds\":%.1f,"
                            + "\"resourcesPerReplica\":\"%s\",\"probesPerReplicaSteady\":\"%s\",\"probesAfterKill\":\"%s\","
                            + "\"probesAfterTerm\":\"%s\",\"takeoverKillMs\":%d,\"takeoverTermMs\":%d,\"joinActingMs\":%d,"
                            + "\"probedTwiceWithinInterval\":%d,\"unprobedBeyondIntervalPlusTakeover\":%d,\"shortestGapMs\":%d,"
                            + "\"unprobedBoundMs\":%d,\"longestGapMs\":%d,\"statusWritesPerProbe\":%.3f,\"steadyProbes\":%d,\"maxLiveHeapAfterGcMiB\":%.1f}",
                    resources, interval.toSeconds(), perHostLimit, heap, createSeconds, firstCycleSeconds,
                    spread(owners), spread(steadyProbes), spread(afterKill), spread(afterTerm), killTakeoverMs, termTakeoverMs, joinMs,
                    twice.size(), unprobed.size(), shortest == null ? -1 : shortest.toMillis(), maxGap.toMillis(),
                    longest == null ? -1 : longest.toMillis(),
                    steadyProbeCount == 0 ? 0.0 : steadyWrites / (double) steadyProbeCount, steadyProbeCount, liveMiB);
            System.out.println(json);
            twice.stream().limit(10).forEach(line -> System.out.println("probed twice: " + line));
            unprobed.stream().limit(10).forEach(line -> System.out.println("unprobed: " + line));
            Files.writeString(out.resolve("sharding.json"), json + "\n");
        } finally {
            replicas.values().forEach(r -> r.process().destroy());
            for (Replica r : replicas.values()) {
                r.process().waitFor(20, TimeUnit.SECONDS);
                r.process().destroyForcibly();
            }
            sink.destroy();
        }
    }

    private void start(String name, Path out) throws IOException {
        int port = freePort();
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx" + heap, "-jar", "target/quarkus-app/quarkus-run.jar", "operator")
                .redirectErrorStream(true).redirectOutput(out.resolve("sharding-" + name + ".log").toFile());
        pb.environment().keySet().removeIf(key -> key.toLowerCase(Locale.ROOT).endsWith("_proxy"));
        Map<String, String> env = pb.environment();
        env.put("KUBECONFIG", cp.kubeconfigPath().toString());
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("SMTPPROBE_WATCH_NAMESPACES", NAMESPACE);
        env.put("SMTPPROBE_SHARDING_ENABLED", "true");
        env.put("SMTPPROBE_LEADER_ELECTION_NAMESPACE", NAMESPACE);
        env.put("SMTPPROBE_LEADER_ELECTION_IDENTITY", name);
        env.put("SMTPPROBE_LEADER_ELECTION_LEASE_DURATION", lease.toSeconds() + "s");
        env.put("SMTPPROBE_LEADER_ELECTION_RETRY_PERIOD", retry.toSeconds() + "s");
        env.put("SMTPPROBE_POLICY_ALLOWED_PORTS", String.valueOf(sinkPort));
        env.put("SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.1/32");
        env.put("SMTPPROBE_PER_HOST_LIMIT", String.valueOf(perHostLimit));
        env.put("SMTPPROBE_MAX_CONCURRENT_PROBES", "64");
        replicas.put(name, new Replica(name, pb.start(), port));
    }

    /** Sends the signal, then times until every other replica's view has dropped it; returns milliseconds. */
    private long signal(String name, boolean kill, int survivors) throws InterruptedException {
        Replica victim = replicas.remove(name);
        long start = System.nanoTime();
        if (kill) {
            victim.process().destroyForcibly();
        } else {
            victim.process().destroy();
        }
        await(() -> replicas.values().stream().allMatch(r -> metric(r, MEMBERS) == survivors), Duration.ofMinutes(2),
                (kill ? "SIGKILL" : "SIGTERM") + " takeover of " + name);
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        victim.process().waitFor(30, TimeUnit.SECONDS);
        return ms;
    }

    private void awaitMembers(int members, Duration max) throws InterruptedException {
        await(() -> replicas.values().stream().allMatch(r -> metric(r, MEMBERS) == members), max, members + " members");
    }

    private void create(KubernetesClient client) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < resources; i++) {
            int n = i;
            pool.submit(() -> {
                SmtpProbeSpec spec = new SmtpProbeSpec();
                spec.setServers(List.of("127.0.0.1:" + sinkPort));
                spec.setRcptTo(List.of("user" + n + "@shard.test"));
                spec.setInterval(interval.toSeconds() + "s");
                SmtpProbe probe = new SmtpProbe();
                probe.setMetadata(new ObjectMetaBuilder().withName("p" + n).withNamespace(NAMESPACE).build());
                probe.setSpec(spec);
                client.resources(SmtpProbe.class).inNamespace(NAMESPACE).resource(probe).create();
            });
        }
        pool.shutdown();
        pool.awaitTermination(30, TimeUnit.MINUTES);
    }

    private double metric(Replica replica, Pattern pattern) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + replica.port() + "/q/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = pattern.matcher(body);
            return m.find() ? Double.parseDouble(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String spread(Map<String, Long> counts) {
        return counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    private static void await(java.util.function.BooleanSupplier condition, Duration max, String what) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + max + ": " + what);
            }
            Thread.sleep(200);
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
