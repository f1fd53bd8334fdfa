package io.smtpprobe.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.testsupport.ControlPlane;
import io.smtpprobe.testsupport.Dnsmasq;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Operator scale, for {@code make bench} (excluded from {@code make test}): N SmtpProbe resources,
 * one domain each, against the real kube-apiserver, with the packaged operator as its own process
 * probing smtp-sink through dnsmasq, all on loopback. Measures status writes per probe cycle,
 * time to first status for resources applied while N run, cycle lateness and operator heap.
 *
 * <p>The operator runs with {@code -Xmx1g} ({@code bench.operatorHeap}), twice the heap target, so
 * that a heap that needs more than 512 MiB shows as such instead of as an OutOfMemoryError.
 */
@Tag("bench")
class OperatorScaleBench {
    private static final Pattern HEAP = Pattern.compile("^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern LIVE = Pattern.compile("^jvm_gc_live_data_size_bytes(?:\\{[^}]*\\})? ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern GC_PAUSE = Pattern.compile("^jvm_gc_pause_seconds_sum\\{[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern STAGE_SECONDS = Pattern.compile("^smtpprobe_probe_duration_seconds_sum\\{[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);
    private static final Pattern CONNECTS = Pattern.compile(
            "^smtpprobe_probe_duration_seconds_count\\{[^}]*stage=\"Connect\"[^}]*\\} ([0-9.eE+]+)$", Pattern.MULTILINE);

    private final int resources = Integer.getInteger("bench.resources", 5000);
    private final Duration interval = Duration.ofSeconds(Long.getLong("bench.intervalSeconds", 60));
    private final Duration steady = Duration.ofSeconds(Long.getLong("bench.steadySeconds", 150));
    /** All domains share one MX, so the per-host limit (default 2) caps the operator's probe rate. */
    private final int perHostLimit = Integer.getInteger("bench.perHostLimit", 2);

    private final String operatorHeap = System.getProperty("bench.operatorHeap", "1g");
    /** Names the JSON and log files: the fleet scenario runs this bench again at its own size and heap. */
    private final String output = System.getProperty("bench.output", "operator-scale");
    /**
     * The build whose operator and CRDs run: another worktree's (an older commit's) compares old and new
     * with this one bench, in the same run.
     */
    private final Path operatorDir = Path.of(System.getProperty("bench.operatorDir", "."));
    /** Extra JVM options of the operator, space-separated (a JFR recording, GC logging). */
    private final String operatorJvmOptions = System.getProperty("bench.operatorJvmOptions", "");

    /** Per resource: status writes seen, and lateness of each probe against the previous nextProbeTime. */
    private final Map<String, AtomicLong> writes = new ConcurrentHashMap<>();
    /** Per resource: writes that carried a new lastProbeTime, i.e. probe cycles. Any other write is an extra. */
    private final Map<String, AtomicLong> probes = new ConcurrentHashMap<>();
    /** Probe results by reason: a run in which the sink was never reached measures nothing. */
    private final Map<String, AtomicLong> reasons = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastNext = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastProbed = new ConcurrentHashMap<>();
    /** Shortest time between two probes of one resource: a loop that reprobes on its own writes shows here. */
    private final AtomicLong minProbeGapMs = new AtomicLong(Long.MAX_VALUE);
    /** From a probe's end (lastProbeTime) until its status reached a watcher: a write backlog shows here. */
    private final List<Long> statusDelayMs = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> latenessMs = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Instant> createdAt = new ConcurrentHashMap<>();
    private final List<Long> firstStatusMs = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean measuring;
    /** After the window: the counters stay as they were, so writes and probe cycles are read as one snapshot. */
    private volatile boolean frozen;
    private int sinkPort;

    @Test
    void operatorAtScale() throws Exception {
        Path out = Path.of("target/bench");
        Files.createDirectories(out);
        sinkPort = freePort();
        Dnsmasq.Builder zone = Dnsmasq.builder().host("mx.scale.test", "127.0.0.1");
        for (int i = 0; i < resources + 200; i++) {
            zone.mx("d" + i + ".scale.test", "mx.scale.test", 10);
        }
        Process sink = new ProcessBuilder("smtp-sink", "-u", "nobody", "127.0.0.1:" + sinkPort, "1024")
                .redirectErrorStream(true).redirectOutput(out.resolve(output + "-sink.log").toFile()).start();
        Process operator = null;
        try (ControlPlane cp = ControlPlane.start(); Dnsmasq dns = zone.start()) {
            KubernetesClient client = cp.kubernetesClient();
            cp.kubectl("apply", "-f", operatorDir.resolve("crds").toString() + "/");
            cp.kubectl("wait", "--for=condition=Established", "crd/smtpprobes.smtpprobe.io", "--timeout=60s");
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("scale").endMetadata().build()).create();

            int httpPort = freePort();
            // an operator out of heap exits, and the bench fails waiting for statuses, rather than limping on
            List<String> command = new ArrayList<>(List.of("java", "-Xmx" + operatorHeap, "-XX:+ExitOnOutOfMemoryError"));
            Arrays.stream(operatorJvmOptions.split(" ")).filter(o -> !o.isBlank()).forEach(command::add);
            command.addAll(List.of("-jar", operatorDir.resolve("target/quarkus-app/quarkus-run.jar").toString(), "operator"));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(out.resolve(output + "-operator.log").toFile());
            pb.environment().put("KUBECONFIG", cp.kubeconfigPath().toString());
            pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
            pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
            pb.environment().put("SMTPPROBE_DNS_SERVERS", dns.endpoint());
            pb.environment().put("SMTPPROBE_POLICY_DENIED_NETWORKS", "169.254.0.0/16");
            pb.environment().put("SMTPPROBE_POLICY_ALLOWED_PORTS", String.valueOf(sinkPort));
            // loopback is denied by default however the denied list is set; the sink is the one exception
            pb.environment().put("SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.1/32");
            pb.environment().put("SMTPPROBE_LEADER_ELECTION_ENABLED", "false");
            pb.environment().put("SMTPPROBE_PER_HOST_LIMIT", String.valueOf(perHostLimit));
            if (System.getProperty("bench.statusWriters") != null) {
                pb.environment().put("SMTPPROBE_STATUS_WRITERS", System.getProperty("bench.statusWriters"));
            }
            operator = pb.start();
            // for jcmd (thread dumps, class histograms) while it runs
            Files.writeString(out.resolve(output + "-operator.pid"), operator.pid() + "\n");

            client.resources(SmtpProbe.class).inNamespace("scale").inform(new StatusCounter(), 0);

            Instant t0 = Instant.now();
            create(client, 0, resources);
            Duration createTime = Duration.between(t0, Instant.now());
            // 20,000 resources take far longer to create and probe once than 5,000 on two shared cores
            awaitAllProbed(Duration.ofMinutes(Math.max(5, resources / 500)));
            Duration firstCycle = Duration.between(t0, Instant.now());

            synchronized (writes) {
                writes.values().forEach(w -> w.set(0));
                probes.values().forEach(w -> w.set(0));
            }
            latenessMs.clear();
            statusDelayMs.clear();
            double stageSeconds0 = metric(HttpClient.newHttpClient(), httpPort, STAGE_SECONDS);
            double connects0 = metric(HttpClient.newHttpClient(), httpPort, CONNECTS);
            measuring = true;
            Instant steadyStart = Instant.now();
            double maxHeap = 0;
            double maxLive = 0;
            HttpClient http = HttpClient.newHttpClient();
            double gcPauseStart = metric(http, httpPort, GC_PAUSE);
            int fresh = 0;
            while (Duration.between(steadyStart, Instant.now()).compareTo(steady) < 0) {
                createdAt.put("fresh-" + fresh, Instant.now());
                createProbe(client, resources + fresh, "fresh-" + fresh);
                fresh++;
                maxHeap = Math.max(maxHeap, metric(http, httpPort, HEAP));
                maxLive = Math.max(maxLive, metric(http, httpPort, LIVE));
                Thread.sleep(1000);
            }
            double gcPauseSeconds = metric(http, httpPort, GC_PAUSE) - gcPauseStart;
            double dialogues = metric(http, httpPort, CONNECTS) - connects0;
            double meanDialogueMs = dialogues <= 0 ? -1 : (metric(http, httpPort, STAGE_SECONDS) - stageSeconds0) * 1000 / dialogues;
            synchronized (writes) {
                measuring = false;
                frozen = true;
            }
            double cycles = Duration.between(steadyStart, Instant.now()).toMillis() / (double) interval.toMillis();
            long totalWrites = writes.entrySet().stream().filter(e -> !e.getKey().startsWith("fresh-"))
                    .mapToLong(e -> e.getValue().get()).sum();
            long totalProbes = probes.entrySet().stream().filter(e -> !e.getKey().startsWith("fresh-"))
                    .mapToLong(e -> e.getValue().get()).sum();
            long maxWritesOne = writes.entrySet().stream().filter(e -> !e.getKey().startsWith("fresh-"))
                    .mapToLong(e -> e.getValue().get()).max().orElse(0);

            String json = String.format(Locale.ROOT,
                    "{\"scenario\":\"%s\",\"perHostLimit\":%d,\"resources\":%d,\"intervalSeconds\":%d,\"operatorXmx\":\"%s\","
                            + "\"createSeconds\":%.1f,\"firstCycleSeconds\":%.1f,\"steadySeconds\":%d,\"intervals\":%.2f,"
                            + "\"statusWrites\":%d,\"probeCycles\":%d,\"statusWritesPerCycle\":%.3f,\"writesWithoutNewProbe\":%d,"
                            + "\"statusWritesPerResourcePerInterval\":%.3f,\"maxStatusWritesOneResource\":%d,"
                            + "\"firstStatusP50Ms\":%d,\"firstStatusP99Ms\":%d,\"firstStatusSamples\":%d,"
                            + "\"maxLatenessMs\":%d,\"maxLatenessPercentOfInterval\":%.1f,\"latenessSamples\":%d,"
                            + "\"minProbeGapMs\":%d,\"statusDelayP50Ms\":%d,\"statusDelayP99Ms\":%d,\"statusDelayMaxMs\":%d,"
                            + "\"meanDialogueMs\":%.1f,\"reasons\":\"%s\","
                            + "\"maxHeapMiB\":%.1f,\"maxLiveHeapAfterGcMiB\":%.1f,\"gcPauseSeconds\":%.2f}",
                    output, perHostLimit, resources, interval.toSeconds(), operatorHeap, createTime.toMillis() / 1000.0,
                    firstCycle.toMillis() / 1000.0, steady.toSeconds(), cycles, totalWrites, totalProbes,
                    totalProbes == 0 ? 0.0 : totalWrites / (double) totalProbes, totalWrites - totalProbes,
                    totalWrites / (resources * cycles), maxWritesOne,
                    pct(firstStatusMs, 0.5), pct(firstStatusMs, 0.99), firstStatusMs.size(),
                    pct(latenessMs, 1.0), pct(latenessMs, 1.0) * 100.0 / interval.toMillis(), latenessMs.size(),
                    minProbeGapMs.get() == Long.MAX_VALUE ? -1 : minProbeGapMs.get(), pct(statusDelayMs, 0.5),
                    pct(statusDelayMs, 0.99), pct(statusDelayMs, 1.0), meanDialogueMs, reasons,
                    maxHeap / 1048576.0, maxLive / 1048576.0, gcPauseSeconds);
            System.out.println(json);
            Files.writeString(out.resolve(output + ".json"), json + "\n");
            long all = reasons.values().stream().mapToLong(AtomicLong::get).sum();
            long accepted = reasons.getOrDefault("Accepted", new AtomicLong()).get();
            if (accepted < all * 0.99) {
                throw new AssertionError("only " + accepted + " of " + all + " probes reached the sink and were accepted: " + reasons);
            }
        } finally {
            if (operator != null) {
                operator.destroy();
                operator.waitFor(10, TimeUnit.SECONDS);
                operator.destroyForcibly();
            }
            sink.destroy();
        }
    }

    private void create(KubernetesClient client, int from, int count) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int i = from; i < from + count; i++) {
            int n = i;
            pool.submit(() -> createProbe(client, n, "p" + n));
        }
        pool.shutdown();
        pool.awaitTermination(Math.max(10, count / 500), TimeUnit.MINUTES);
    }

    private void createProbe(KubernetesClient client, int domainIndex, String name) {
        SmtpProbeSpec spec = new SmtpProbeSpec();
        spec.setDomains(List.of("d" + domainIndex + ".scale.test"));
        spec.setRcptTo(List.of("user@d" + domainIndex + ".scale.test"));
        spec.setInterval(interval.toSeconds() + "s");
        spec.setPort(sinkPort);
        SmtpProbe probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("scale").build());
        probe.setSpec(spec);
        client.resources(SmtpProbe.class).inNamespace("scale").resource(probe).create();
    }

    private void awaitAllProbed(Duration max) throws InterruptedException {
        Instant end = Instant.now().plus(max);
        while (lastNext.size() < resources && Instant.now().isBefore(end)) {
            Thread.sleep(500);
        }
        if (lastNext.size() < resources) {
            throw new AssertionError("only " + lastNext.size() + " of " + resources + " resources got a status");
        }
    }

    private final class StatusCounter implements ResourceEventHandler<SmtpProbe> {
        @Override
        public void onAdd(SmtpProbe probe) {
            onUpdate(null, probe);
        }

        @Override
        public void onUpdate(SmtpProbe old, SmtpProbe now) {
            synchronized (writes) {
                if (!frozen) {
                    count(old, now);
                }
            }
        }

        private void count(SmtpProbe old, SmtpProbe now) {
            var status = now.getStatus();
            if (status == null || status.lastProbeTime() == null) {
                return;
            }
            String name = now.getMetadata().getName();
            boolean statusChanged = old == null || old.getStatus() == null || !status.equals(old.getStatus());
            if (!statusChanged) {
                return;
            }
            writes.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
            String before = old == null || old.getStatus() == null ? null : old.getStatus().lastProbeTime();
            if (!status.lastProbeTime().equals(before)) {
                probes.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
                reasons.computeIfAbsent(String.valueOf(status.reason()), k -> new AtomicLong()).incrementAndGet();
                Instant probedAt = Instant.parse(status.lastProbeTime());
                Instant earlier = lastProbed.put(name, probedAt);
                if (measuring) {
                    statusDelayMs.add(Duration.between(probedAt, Instant.now()).toMillis());
                    if (earlier != null) {
                        minProbeGapMs.accumulateAndGet(Duration.between(earlier, probedAt).toMillis(), Math::min);
                    }
                }
            }
            Instant probed = Instant.parse(status.lastProbeTime());
            Instant previousNext = status.nextProbeTime() == null ? null : lastNext.put(name, Instant.parse(status.nextProbeTime()));
            if (status.nextProbeTime() == null) {
                lastNext.putIfAbsent(name, probed);
            }
            if (measuring && previousNext != null && probed.isAfter(previousNext.minusSeconds(1))) {
                latenessMs.add(Math.max(0, Duration.between(previousNext, probed).toMillis()));
            }
            Instant created = createdAt.remove(name);
            if (created != null) {
                firstStatusMs.add(Duration.between(created, Instant.now()).toMillis());
            }
        }

        @Override
        public void onDelete(SmtpProbe probe, boolean unknown) {
        }
    }

    /** The sum of all samples of one metric (heap areas, GC causes) on the operator's /q/metrics. */
    private static double metric(HttpClient http, int port, Pattern samples) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            double sum = 0;
            Matcher m = samples.matcher(body);
            while (m.find()) {
                sum += Double.parseDouble(m.group(1));
            }
            return sum;
        } catch (IOException | InterruptedException e) {
            return 0;
        }
    }

    private static long pct(List<Long> values, double p) {
        List<Long> sorted;
        synchronized (values) {
            sorted = new ArrayList<>(values);
        }
        if (sorted.isEmpty()) {
            return -1;
        }
        Collections.sort(sorted);
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
