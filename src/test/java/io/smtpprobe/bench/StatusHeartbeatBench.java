package io.smtpprobe.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
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
import java.util.List;
import java.util.Locale;
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
    private final Duration interval = Duration.ofSeconds(Long.getLong("bench.heartbeatIntervalSeconds", 10));
    private final Duration heartbeat = Duration.ofSeconds(Long.getLong("bench.heartbeatSeconds", 60));
    private final Duration window = Duration.ofSeconds(Long.getLong("bench.heartbeatWindowSeconds", 180));

    private final AtomicLong writes = new AtomicLong();
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
                    out.resolve("heartbeat-operator-off.log"));
            String hb = heartbeat.toSeconds() + "s";
            // the first probe after the switch is written once more, to name the heartbeat in the status
            var on = measure(cp, dns, informer, heartbeat, p -> p.getStatus() != null && hb.equals(p.getStatus().heartbeat()),
                    out.resolve("heartbeat-operator-on.log"));
            double ratio = heartbeat.toMillis() / (double) interval.toMillis();
            String json = String.format(Locale.ROOT,
                    "{\"scenario\":\"status-heartbeat\",\"resources\":%d,\"intervalSeconds\":%d,\"heartbeatSeconds\":%d,"
                            + "\"windowSeconds\":%d,\"off\":%s,\"on\":%s,\"scaledTo20000At5m\":{\"heartbeatMinutes\":%.0f,"
                            + "\"writesPerHourOff\":%.0f,\"writesPerHourOn\":%.0f}}",
                    resources, interval.toSeconds(), heartbeat.toSeconds(), window.toSeconds(), off.json(), on.json(), ratio * 5,
                    20000 * 12 * off.writesPerProbe(), 20000 * 12 * on.writesPerProbe());
            Files.writeString(out.resolve("status-heartbeat.json"), json + "\n");
            System.out.println(json);
            informer.close();
        } finally {
            sink.destroy();
        }
    }

    private record Window(long probes, long writes, double seconds, long maxLastProbeAgeSeconds, int resources) {
        double writesPerProbe() {
            return probes == 0 ? -1 : writes / (double) probes;
        }

        String json() {
            return String.format(Locale.ROOT, "{\"probes\":%d,\"statusWrites\":%d,\"seconds\":%.1f,\"writesPerProbe\":%.3f,"
                            + "\"writesPerResourcePerHour\":%.2f,\"maxLastProbeAgeSeconds\":%d}",
                    probes, writes, seconds, writesPerProbe(), writes * 3600.0 / seconds / resources, maxLastProbeAgeSeconds);
        }
    }

    /** One operator run: settled once every resource shows {@code settled}, then one measured window. */
    private Window measure(ControlPlane cp, Dnsmasq dns, SharedIndexInformer<SmtpProbe> informer, Duration beat,
            Predicate<SmtpProbe> settled, Path log) throws Exception {
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
            long t0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            long probes = (long) metric(http, httpPort, PROBES) - probes0;
            long written = writes.get() - writes0;
            double seconds = (System.nanoTime() - t0) / 1e9;
            Instant now = Instant.now();
            long maxAge = informer.getStore().list().stream()
                    .mapToLong(p -> Duration.between(Instant.parse(p.getStatus().lastProbeTime()), now).toSeconds()).max().orElse(-1);
            return new Window(probes, written, seconds, maxAge, resources);
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
