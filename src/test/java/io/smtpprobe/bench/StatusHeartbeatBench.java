package io.smtpprobe.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.request.Durations;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Status writes with and without {@code smtpprobe.status-heartbeat}, for {@code make bench} (excluded from
 * {@code make test}): N healthy SmtpProbes on the real kube-apiserver, probing smtp-sink through dnsmasq on
 * loopback, the packaged operator as its own process. The same resources are measured twice, each for one
 * window: first with every probe written, then with the heartbeat. Writes are counted by a watcher (every
 * status change it sees), probes by the operator's {@code smtpprobe_probes_total}. Writes per probe do not
 * depend on the fleet's size as long as the heartbeat is the same multiple of the interval, which is how the
 * README scales them to 20,000 resources at 5 minutes.
 */
@Tag("bench")
class StatusHeartbeatBench {
    private static final Pattern PROBES = Pattern.compile("^smtpprobe_probes_total(?:\\{[^}]*\\})? ([0-9.eE+]+)$", Pattern.MULTILINE);

    private final int resources = Integer.getInteger("bench.heartbeatResources", 200);
    /** The CRD's shortest interval; the heartbeat is six of them by default, as 30 minutes is six 5-minute intervals. */
    private final Duration interval = Duration.ofSeconds(Long.getLong("bench.heartbeatIntervalSeconds", 30));
    private final Duration heartbeat = Duration.ofSeconds(Long.getLong("bench.heartbeatSeconds", 180));
    /** Windows long enough for two writes of every resource, so that each shows one whole gap between writes. */
    private final Duration windowOff = Duration.ofSeconds(Long.getLong("bench.heartbeatWindowOffSeconds", 120));
    private final Duration windowOn = Duration.ofSeconds(Long.getLong("bench.heartbeatWindowOnSeconds", 420));

    private final AtomicLong writes = new AtomicLong();
    /** Per resource, the lastProbeTime of each write seen in the window: their gaps give writes per hour whatever the phase. */
    private final Map<String, List<Instant>> written = new ConcurrentHashMap<>();
    private volatile boolean measuring;
    private int sinkPort;

    @Test
    void statusWritesWithAndWithoutAHeartbeat() throws Exception {
        Path out = Path.of("target/bench");
        Files.createDirectories(out);
        sinkPort = freePort();
        Dnsmasq.Builder zone = Dnsmasq.builder().host("mx.heartbeat.test", "127.0.0.1");
        for (int i = 0; i < resources; i++) {
            zone.mx("d" + i + ".heartbeat.test", "mx.heartbeat.test", 10);
        }
        Process sink = new ProcessBuilder("smtp-sink", "-u", "nobody", "127.0.0.1:" + sinkPort, "1024")
                .redirectErrorStream(true).redirectOutput(out.resolve("heartbeat-sink.log").toFile()).start();
        try (ControlPlane cp = ControlPlane.start(); Dnsmasq dns = zone.start()) {
            KubernetesClient client = cp.kubernetesClient();
            cp.kubectl("apply", "-f", "crds/");
            cp.kubectl("wait", "--for=condition=Established", "crd/smtpprobes.smtpprobe.io", "--timeout=60s");
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("hb").endMetadata().build()).create();
            SharedIndexInformer<SmtpProbe> informer = client.resources(SmtpProbe.class).inNamespace("hb").inform(new WriteCounter(), 0);
            for (int i = 0; i < resources; i++) {
                createProbe(client, i);
            }
            var off = measure(cp, dns, informer, Duration.ZERO, p -> p.getStatus() != null && p.getStatus().lastProbeTime() != null,
                    windowOff, out.resolve("heartbeat-operator-off.log"));
            String hb = Durations.format(heartbeat);
            // the first probe after the switch is written once more, to name the heartbeat in the status
            var on = measure(cp, dns, informer, heartbeat, p -> p.getStatus() != null && hb.equals(p.getStatus().heartbeat()),
                    windowOn, out.resolve("heartbeat-operator-on.log"));
            double ratio = heartbeat.toMillis() / (double) interval.toMillis();
            String json = String.format(Locale.ROOT,
                    "{\"scenario\":\"status-heartbeat\",\"resources\":%d,\"intervalSeconds\":%d,\"heartbeatSeconds\":%d,"
                            + "\"off\":%s,\"on\":%s,\"scaledTo20000At5m\":{\"heartbeatMinutes\":%.0f,"
                            + "\"writesPerHourOff\":%.0f,\"writesPerHourOn\":%.0f}}",
                    resources, interval.toSeconds(), heartbeat.toSeconds(), off.json(), on.json(), ratio * 5,
                    20000 * 12 * off.writesPerProbe(), 20000 * 12 * on.writesPerProbe());
            Files.writeString(out.resolve("status-heartbeat.json"), json + "\n");
            System.out.println(json);
            informer.close();
        } finally {
            sink.destroy();
        }
    }

    /**
     * @param meanWriteGapSeconds mean time between two consecutive writes of one resource (their lastProbeTimes)
     * @param probeSeconds        mean time between two probes of one resource, from the probe count
     */
    private record Window(long probes, long writes, double seconds, double meanWriteGapSeconds, long gaps,
                          long maxLastProbeAgeSeconds, int resources) {
        double probeSeconds() {
            return seconds * resources / probes;
        }

        /** From the gaps, which do not depend on where the window falls in each resource's heartbeat. */
        double writesPerProbe() {
            return probeSeconds() / meanWriteGapSeconds;
        }

        String json() {
            return String.format(Locale.ROOT, "{\"probes\":%d,\"statusWrites\":%d,\"seconds\":%.1f,\"secondsBetweenProbes\":%.1f,"
                            + "\"secondsBetweenWrites\":%.1f,\"gapsMeasured\":%d,\"writesPerProbe\":%.3f,"
                            + "\"writesPerResourcePerHour\":%.2f,\"maxLastProbeAgeSeconds\":%d}",
                    probes, writes, seconds, probeSeconds(), meanWriteGapSeconds, gaps, writesPerProbe(),
                    3600.0 / meanWriteGapSeconds, maxLastProbeAgeSeconds);
        }
    }

    /** One operator run: settled once every resource shows {@code settled}, then one measured window. */
    private Window measure(ControlPlane cp, Dnsmasq dns, SharedIndexInformer<SmtpProbe> informer, Duration beat,
            Predicate<SmtpProbe> settled, Duration window, Path log) throws Exception {
        int httpPort = freePort();
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx512m", "-jar", "target/quarkus-app/quarkus-run.jar", "operator")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("KUBECONFIG", cp.kubeconfigPath().toString());
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("SMTPPROBE_DNS_SERVERS", dns.endpoint());
        pb.environment().put("SMTPPROBE_POLICY_DENIED_NETWORKS", "169.254.0.0/16");
        pb.environment().put("SMTPPROBE_POLICY_ALLOWED_PORTS", String.valueOf(sinkPort));
        pb.environment().put("SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.1/32");
        pb.environment().put("SMTPPROBE_LEADER_ELECTION_ENABLED", "false");
        pb.environment().put("SMTPPROBE_MIN_INTERVAL", interval.toSeconds() + "s");
        pb.environment().put("SMTPPROBE_MAX_CONCURRENT_PROBES", "64");
        pb.environment().put("SMTPPROBE_PER_HOST_LIMIT", "16");
        pb.environment().put("SMTPPROBE_STATUS_HEARTBEAT", beat.toSeconds() + "s");
        Process operator = pb.start();
        try {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            while (informer.getStore().list().stream().filter(settled).count() < resources) {
                if (Instant.now().isAfter(deadline) || !operator.isAlive()) {
                    throw new AssertionError("resources did not settle: see " + log);
                }
                Thread.sleep(500);
            }
            HttpClient http = HttpClient.newHttpClient();
            long probes0 = (long) metric(http, httpPort, PROBES);
            long writes0 = writes.get();
            written.clear();
            measuring = true;
            long t0 = System.nanoTime();
            long maxAge = 0;
            while (System.nanoTime() - t0 < window.toNanos()) {
                Thread.sleep(1000);
                Instant now = Instant.now();
                maxAge = Math.max(maxAge, informer.getStore().list().stream()
                        .mapToLong(p -> Duration.between(Instant.parse(p.getStatus().lastProbeTime()), now).toSeconds()).max().orElse(-1));
            }
            measuring = false;
            long probes = (long) metric(http, httpPort, PROBES) - probes0;
            long count = writes.get() - writes0;
            double seconds = (System.nanoTime() - t0) / 1e9;
            long gaps = 0;
            double gapSeconds = 0;
            for (List<Instant> times : written.values()) {
                synchronized (times) {
                    for (int i = 1; i < times.size(); i++) {
                        gaps++;
                        gapSeconds += Duration.between(times.get(i - 1), times.get(i)).toMillis() / 1000.0;
                    }
                }
            }
            return new Window(probes, count, seconds, gaps == 0 ? Double.NaN : gapSeconds / gaps, gaps, maxAge, resources);
        } finally {
            operator.destroy();
            if (!operator.waitFor(30, TimeUnit.SECONDS)) {
                operator.destroyForcibly();
            }
        }
    }

    private void createProbe(KubernetesClient client, int i) {
        SmtpProbeSpec spec = new SmtpProbeSpec();
        spec.setDomains(List.of("d" + i + ".heartbeat.test"));
        spec.setRcptTo(List.of("user@d" + i + ".heartbeat.test"));
        spec.setInterval(interval.toSeconds() + "s");
        spec.setPort(sinkPort);
        SmtpProbe probe = new SmtpProbe();
        probe.setMetadata(new ObjectMetaBuilder().withName("p" + i).withNamespace("hb").build());
        probe.setSpec(spec);
        client.resources(SmtpProbe.class).inNamespace("hb").resource(probe).create();
    }

    /** Every status change a watcher sees is one write: each write moves lastProbeTime at least. */
    private final class WriteCounter implements ResourceEventHandler<SmtpProbe> {
        @Override
        public void onAdd(SmtpProbe probe) {
        }

        @Override
        public void onUpdate(SmtpProbe old, SmtpProbe now) {
            if (now.getStatus() != null && (old.getStatus() == null || !now.getStatus().equals(old.getStatus()))) {
                writes.incrementAndGet();
                if (measuring && now.getStatus().lastProbeTime() != null) {
                    var times = written.computeIfAbsent(now.getMetadata().getName(), k -> new ArrayList<>());
                    synchronized (times) {
                        times.add(Instant.parse(now.getStatus().lastProbeTime()));
                    }
                }
            }
        }

        @Override
        public void onDelete(SmtpProbe probe, boolean unknown) {
        }
    }

    private static double metric(HttpClient http, int port, Pattern samples) throws IOException, InterruptedException {
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        Matcher m = samples.matcher(body);
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
