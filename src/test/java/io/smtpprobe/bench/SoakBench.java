package io.smtpprobe.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.smtpprobe.api.v1alpha1.ProbeTimeouts;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.testsupport.ControlPlane;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The soak, for {@code make bench}: the packaged operator at the chart's heap (-Xmx384m: 75 % of the
 * chart's 512 MiB limit, as the image's MaxRAMPercentage gives it) with 1,000 SmtpProbes on the real
 * kube-apiserver, every one pointed at {@link HostileSessions}, and 500 probe slots, so about 500 hostile
 * dialogues are held open at once for the whole run. Reports heap over time (used, and live after GC),
 * Vert.x blocked-thread warnings in the operator's log, and lost status writes: per resource, dialogues
 * the server saw end (two seconds or more before the operator stopped) against the probe statuses written.
 *
 * <p>{@code mvn -B -ntp -q test -Dtest=SoakBench -DexcludedTestGroups= -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbench.soakSeconds=600}; hack/bench.sh runs it with BENCH_SOAK_SECONDS.
 */
@Tag("bench")
class SoakBench {
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern PROBES = Pattern.compile("^smtpprobe_probes_total\\{[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final String NAMESPACE = "soak";
    private static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    /** A full collection once a minute, from the first minute on: often enough for a trend, rare enough not to matter. */
    private static final Duration LIVE_EVERY = Duration.ofSeconds(60);

    private final int resources = Integer.getInteger("bench.soakResources", 1000);
    private final int slots = Integer.getInteger("bench.soakSessions", 500);
    private final Duration soak = Duration.ofSeconds(Long.getLong("bench.soakSeconds", 600));
    private final String operatorHeap = System.getProperty("bench.soakHeap", "384m");
    private final Duration interval = Duration.ofSeconds(30);
    private final Duration sample = Duration.ofSeconds(10);

    /** Per resource: the distinct lastProbeTimes its status has carried, i.e. probe cycles written. */
    private final Map<String, Set<String>> written = new ConcurrentHashMap<>();
    private final Map<String, Long> reasons = new ConcurrentHashMap<>();

    @Test
    void operatorHoldsHostileSessionsForLongWithoutGrowingOrLosingStatusWrites() throws Exception {
        Path out = Path.of("target/bench");
        Files.createDirectories(out);
        Path log = out.resolve("soak-operator.log");
        Process operator = null;
        try (ControlPlane cp = ControlPlane.start(); HostileSessions peer = HostileSessions.start(25_000)) {
            KubernetesClient client = cp.kubernetesClient();
            cp.kubectl("apply", "-f", "crds/");
            cp.kubectl("wait", "--for=condition=Established", "crd/smtpprobes.smtpprobe.io", "--timeout=60s");
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();

            int httpPort = freePort();
            ProcessBuilder pb = new ProcessBuilder(JAVA.toString(), "-Xmx" + operatorHeap, "-XX:+ExitOnOutOfMemoryError",
                    "-jar", "target/quarkus-app/quarkus-run.jar", "operator")
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(key -> key.toLowerCase(Locale.ROOT).endsWith("_proxy"));
            pb.environment().put("KUBECONFIG", cp.kubeconfigPath().toString());
            pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
            pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
            pb.environment().put("SMTPPROBE_POLICY_ALLOWED_PORTS", String.valueOf(peer.port()));
            pb.environment().put("SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.1/32");
            pb.environment().put("SMTPPROBE_LEADER_ELECTION_ENABLED", "false");
            pb.environment().put("SMTPPROBE_MAX_CONCURRENT_PROBES", String.valueOf(slots));
            // one hostile server plays every MX: its per-host limit must not be what caps the sessions
            pb.environment().put("SMTPPROBE_PER_HOST_LIMIT", String.valueOf(slots));
            operator = pb.start();
            client.resources(SmtpProbe.class).inNamespace(NAMESPACE).inform(new StatusWrites(), 0);

            Instant t0 = Instant.now();
            create(client, peer.port());
            double createSeconds = Duration.between(t0, Instant.now()).toMillis() / 1000.0;
            HttpClient http = HttpClient.newHttpClient();

            List<String> series = new ArrayList<>();
            List<Integer> sessionsAtOnce = new ArrayList<>();
            double firstLive = -1;
            double maxUsed = 0;
            Instant start = Instant.now();
            Instant nextSample = start;
            Instant nextGc = start.plus(LIVE_EVERY);
            while (Duration.between(start, Instant.now()).compareTo(soak) < 0) {
                if (!operator.isAlive()) {
                    throw new AssertionError("the operator exited with " + operator.exitValue() + " (see " + log + ")");
                }
                sessionsAtOnce.add(peer.active());
                if (!Instant.now().isBefore(nextSample)) {
                    double live = -1;
                    // live heap: what a full collection leaves; the first minute fills caches and pools
                    if (!Instant.now().isBefore(nextGc)) {
                        live = liveHeapMiB(operator, http, httpPort);
                        firstLive = firstLive < 0 ? live : firstLive;
                        nextGc = nextGc.plus(LIVE_EVERY);
                    }
                    double used = sum(metrics(http, httpPort), HEAP) / 1048576.0;
                    maxUsed = Math.max(maxUsed, used);
                    series.add(String.format(Locale.ROOT, "{\"s\":%d,\"usedMiB\":%.1f,%s\"sessions\":%d}",
                            Duration.between(start, Instant.now()).toSeconds(), used,
                            live < 0 ? "" : String.format(Locale.ROOT, "\"liveAfterFullGcMiB\":%.1f,", live), peer.active()));
                    nextSample = nextSample.plus(sample);
                }
                Thread.sleep(1000);
            }
            double lastLive = liveHeapMiB(operator, http, httpPort);
            double probesTotal = sum(metrics(http, httpPort), PROBES);
            // Judged up to a cut 15 s back, so every write has had time to land: a dialogue the server saw
            // end before the cut must have its status. lastProbeTime is the probe's end, just after the close
            // (and stored to the second), hence the 2 s; cycles of one resource are 27 s or more apart.
            long cut = System.currentTimeMillis() - 15_000;
            long lost = 0;
            long cycles = 0;
            long statuses = 0;
            List<String> losing = new ArrayList<>();
            for (int i = 0; i < resources; i++) {
                String name = "r" + i;
                long ended = peer.closedBefore(ehloName(i), cut);
                long stored = written.getOrDefault(name, Set.of()).stream()
                        .filter(t -> Instant.parse(t).toEpochMilli() < cut + 2000).count();
                cycles += ended;
                statuses += stored;
                if (stored < ended) {
                    lost += ended - stored;
                    if (losing.size() < 10) {
                        losing.add(name + ": " + ended + " dialogues, " + stored + " statuses");
                    }
                }
            }
            // SIGTERM under load: results already in get their status (the 5 s drain), dialogues in flight end
            long sigterm = System.nanoTime();
            operator.destroy();
            boolean exited = operator.waitFor(60, TimeUnit.SECONDS);
            long shutdownMs = exited ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sigterm) : -1;
            long blocked;
            try (var lines = Files.lines(log)) {
                blocked = lines.filter(l -> l.contains("has been blocked for")).count();
            }
            double meanAtOnce = sessionsAtOnce.stream().mapToInt(Integer::intValue).average().orElse(0);
            String json = String.format(Locale.ROOT,
                    "{\"scenario\":\"soak\",\"resources\":%d,\"probeSlots\":%d,\"operatorXmx\":\"%s\",\"soakSeconds\":%d,"
                            + "\"createSeconds\":%.1f,\"peerSessions\":%d,\"peerMaxConcurrent\":%d,\"peerMeanConcurrent\":%.0f,"
                            + "\"behaviours\":\"%s\",\"dialoguesEnded\":%d,\"statusesWritten\":%d,\"lostStatusWrites\":%d,"
                            + "\"probesRecorded\":%.0f,\"reasons\":\"%s\",\"blockedThreadWarnings\":%d,"
                            + "\"liveHeapAfterGcStartMiB\":%.1f,\"liveHeapAfterGcEndMiB\":%.1f,\"maxHeapUsedMiB\":%.1f,"
                            + "\"shutdownMs\":%d,\"heap\":[%s]}",
                    resources, slots, operatorHeap, soak.toSeconds(), createSeconds, peer.sessions(), peer.maxActive(),
                    meanAtOnce, peer.byBehaviour(), cycles, statuses, lost, probesTotal, reasons, blocked,
                    firstLive, lastLive, maxUsed, shutdownMs, String.join(",", series));
            System.out.println(json);
            Files.writeString(out.resolve("soak.json"), json + "\n");
            if (lost > 0) {
                throw new AssertionError(lost + " probe cycles ended without a status: " + losing);
            }
            if (blocked > 0) {
                throw new AssertionError(blocked + " blocked-thread warnings in " + log);
            }
        } finally {
            if (operator != null && operator.isAlive()) {
                operator.destroyForcibly();
            }
        }
    }

    private void create(KubernetesClient client, int port) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = 0; i < resources; i++) {
            int n = i;
            pool.submit(() -> {
                SmtpProbeSpec spec = new SmtpProbeSpec();
                spec.setServers(List.of("127.0.0.1:" + port));
                spec.setRcptTo(List.of("user@r" + n + ".soak.test"));
                // the EHLO name tells the server which resource is probing
                spec.setEhloName(ehloName(n));
                spec.setInterval(interval.toSeconds() + "s");
                ProbeTimeouts timeouts = new ProbeTimeouts();
                // a hostile answer holds its dialogue for most of the interval: 1,000 resources keep ~500 at once
                timeouts.setCommand("29s");
                timeouts.setTotal("29s");
                spec.setTimeouts(timeouts);
                SmtpProbe probe = new SmtpProbe();
                probe.setMetadata(new ObjectMetaBuilder().withName("r" + n).withNamespace(NAMESPACE).build());
                probe.setSpec(spec);
                client.resources(SmtpProbe.class).inNamespace(NAMESPACE).resource(probe).create();
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
    }

    private static String ehloName(int n) {
        return "r" + n + ".soak.test";
    }

    private final class StatusWrites implements ResourceEventHandler<SmtpProbe> {
        @Override
        public void onAdd(SmtpProbe probe) {
            onUpdate(null, probe);
        }

        @Override
        public void onUpdate(SmtpProbe old, SmtpProbe now) {
            var status = now.getStatus();
            if (status == null || status.lastProbeTime() == null) {
                return;
            }
            if (written.computeIfAbsent(now.getMetadata().getName(), k -> ConcurrentHashMap.newKeySet())
                    .add(status.lastProbeTime())) {
                reasons.merge(String.valueOf(status.reason()), 1L, Long::sum);
            }
        }

        @Override
        public void onDelete(SmtpProbe probe, boolean unknown) {
        }
    }

    /** Heap in use right after a full collection the test asks for (jcmd GC.run): the live heap. */
    private static double liveHeapMiB(Process operator, HttpClient http, int port) throws IOException, InterruptedException {
        Process gc = new ProcessBuilder(JCMD.toString(), String.valueOf(operator.pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!gc.waitFor(60, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            gc.destroyForcibly();
            return -1;
        }
        return sum(metrics(http, port), HEAP) / 1048576.0;
    }

    private static String metrics(HttpClient http, int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static double sum(String metrics, Pattern samples) {
        double sum = 0;
        Matcher m = samples.matcher(metrics);
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
