package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.smtpprobe.testsupport.ControlPlaneBinaries;

/**
 * The operator as the chart's pod on a real node: {@code make image} (hack/image.sh), the local cluster with its
 * node (hack/local-cluster.sh), {@code helm install --wait}, the examples against the demo mail world, then
 * {@code helm upgrade} and {@code helm uninstall}. Every other e2e test runs the operator as a local process;
 * this is the one that proves the image, the hardened pod spec, the probes and the in-cluster token.
 *
 * <p>A machine that cannot run the node fails this class with the missing prerequisite: it never passes
 * silently.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PodIT {

    private static final String RELEASE = "smtp-probe-operator";
    private static final String NAMESPACE = "smtp-probe";
    private static final String LEASE = "smtp-probe-operator";
    private static final Path CHART = Path.of("helm/smtp-probe-operator");
    private static final Path EXAMPLES = Path.of("examples/smtpprobes.yaml");
    private static final Path IMAGE_ARCHIVE = Path.of("target/image/smtp-probe-operator.tar");
    private static final Path INSIDE_POD_CLASSES = Path.of("target/test-classes");
    private static final String INSIDE_POD_CLASS = "io/smtpprobe/e2e/inside/InsidePod.class";
    private static final String LOAD_NAMESPACE = "load";
    private static final int LOAD_PROBES = 1000;
    private static final String POD_SELECTOR = "app.kubernetes.io/instance=" + RELEASE;
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>(Map.of(
            "contoso", "Success Accepted",
            "fabrikam", "PermanentFailure RecipientUnknown",
            "nosuch", "PermanentFailure DnsNameNotFound",
            "refused", "PermanentFailure ConnectRefused"));

    private LocalCluster cluster;
    private DemoPeers peers;
    private Helm helm;
    private String imageTag;
    /** The chart's metrics scraper token, made once (see scraperToken()). */
    private String scraperToken;
    private int httpPort;

    @BeforeAll
    void buildImageAndStartNode() throws IOException {
        String missing = LocalCluster.missingPrerequisite();
        if (missing != null) {
            throw new IllegalStateException("the pod tier needs a node on this machine, and it cannot run one: " + missing);
        }
        long started = System.nanoTime();
        LocalCluster.Result image = LocalCluster.run(Map.of(), 900, "bash", "hack/image.sh");
        assertThat(image.exitCode()).as("hack/image.sh:\n%s", image.stderr()).isZero();
        String ref = Files.readString(Path.of("target/image/ref")).strip();
        imageTag = ref.substring(ref.indexOf(':') + 1);
        long size = Long.parseLong(Files.readString(Path.of("target/image/size")).strip());
        System.out.printf("image %s: %d MiB uncompressed, built in %d s%n", ref, size >> 20,
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        assertThat(size).as("image size").isLessThanOrEqualTo(200L << 20);

        started = System.nanoTime();
        cluster = LocalCluster.start();
        cluster.importImage(IMAGE_ARCHIVE);
        System.out.printf("cluster with node Ready and image imported in %d s%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        peers = DemoPeers.start();
        helm = new Helm(cluster.kubeconfig());
        httpPort = LocalCluster.freePort(1);
    }

    @AfterAll
    void stopEverything() {
        if (peers != null) {
            peers.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void helmInstallWaitsForAReadyPodThatRunsUnprivilegedOnAReadOnlyRoot() throws IOException {
        long started = System.nanoTime();
        Helm.Result install = helm.run(installArguments("install"));
        assertThat(install.exitCode()).as(install.output() + diagnostics()).isZero();
        System.out.printf("helm install --wait: pod Ready %d s after the install started%n",
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        String pod = podName();
        assertThat(cluster.kubectl("get", "pod", pod, "-n", NAMESPACE, "-o",
                "jsonpath={.status.conditions[?(@.type==\"Ready\")].status} {.spec.containers[0].image}"))
                .isEqualTo("True smtp-probe-operator:" + imageTag);

        // From inside the container: a process started there gets the chart's user, no capability, no way to
        // gain one, the runtime's seccomp filter, and a root filesystem that refuses writes outside /tmp.
        Map<String, String> inside = insidePod(pod);
        assertThat(inside.get("Uid")).as("real, effective, saved, fs uid").isEqualTo("185 185 185 185");
        assertThat(inside.get("Gid")).isEqualTo("185 185 185 185");
        for (String set : List.of("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")) {
            assertThat(inside.get(set)).as(set).isEqualTo("0000000000000000");
        }
        assertThat(inside.get("NoNewPrivs")).isEqualTo("1");
        assertThat(inside.get("Seccomp")).as("seccomp mode 2: a filter").isEqualTo("2");
        assertThat(inside.get("rootfs")).isEqualTo("read-only");
        assertThat(inside.get("opt")).isEqualTo("read-only");
        assertThat(inside.get("tmp")).isEqualTo("writable");
    }

    @Test
    @Order(2)
    void examplesGetStatusesAndEventsAndThePodServesMetrics() throws Exception {
        cluster.kubectl("apply", "-f", EXAMPLES.toString());
        awaitUntil(Duration.ofSeconds(120), () -> results().equals(EXPECTED),
                () -> results() + "\n" + cluster.kubectl("logs", "-n", NAMESPACE, podName()));
        assertThat(cluster.kubectl("get", "events", "-n", "default", "-o", "jsonpath={.items[*].reason}"))
                .contains("RecipientUnknown", "DnsNameNotFound", "ConnectRefused");
        assertThat(cluster.kubectl("describe", "smtpprobe", "fabrikam"))
                .containsPattern("Warning\\s+RecipientUnknown\\s+\\S+\\s+smtp-probe-operator\\s+fabrikam.test");

        // The pod's HTTP port is on the node (hostNetwork), bound to 127.0.0.1 only. The chart protects
        // /q/metrics by default: its scraper ServiceAccount's token may get /metrics, no token may not.
        assertThat(HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                        .header("Authorization", "Bearer " + scraperToken())
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        // The series, with the names and labels, that the chart's alert tests use (smtp-probe-rules-test.yaml).
        assertThat(metrics.body()).contains(
                "smtpprobe_probe_success{domain=\"fabrikam.test\",name=\"fabrikam\",namespace=\"default\"} 0.0",
                "smtpprobe_probe_success{domain=\"contoso.test\",name=\"contoso\",namespace=\"default\"} 1.0",
                "smtpprobe_consecutive_failures{name=\"fabrikam\",namespace=\"default\"}");
        assertThat(cluster.kubectl("logs", "-n", NAMESPACE, podName())).contains("acquired lease");
        System.out.printf("operator container peak memory after the examples: %d MiB%n", peakMemoryMiB(podName()));
    }

    @Test
    @Order(3)
    void monitoringObjectsAreAcceptedAndARealPrometheusFiresTheFailingAlertOnly() throws Exception {
        LocalCluster.Result extracted = LocalCluster.run(Map.of(), 300, "bash", "hack/prometheus.sh");
        assertThat(extracted.exitCode()).as("hack/prometheus.sh:\n%s", extracted.stderr()).isZero();
        Path prometheusDir = Path.of(extracted.stdout().strip());
        // prometheus-operator's own CRDs (server-side: they are too large for the last-applied annotation).
        cluster.kubectl("apply", "--server-side", "-f", prometheusDir.resolve("crds").toString());
        cluster.kubectl("wait", "--for=condition=Established", "--timeout=60s",
                "crd/servicemonitors.monitoring.coreos.com", "crd/prometheusrules.monitoring.coreos.com");
        String pod = podName();
        Helm.Result upgrade = helm.run(installArguments("upgrade", "--set", "serviceMonitor.enabled=true",
                "--set", "prometheusRule.enabled=true", "--set", "prometheusRule.failingFor=5s",
                "--set", "grafanaDashboard.enabled=true", "--set", "networkPolicy.enabled=true",
                "--set", "networkPolicy.apiServerCidrs={127.0.0.1/32}"));
        assertThat(upgrade.exitCode()).as(upgrade.output()).isZero();
        assertThat(cluster.kubectl("get", "servicemonitors,prometheusrules,networkpolicies,configmaps", "-n", NAMESPACE,
                "-o", "name")).contains("servicemonitor.monitoring.coreos.com/" + RELEASE,
                        "prometheusrule.monitoring.coreos.com/" + RELEASE, "networkpolicy.networking.k8s.io/" + RELEASE,
                        "configmap/" + RELEASE + "-dashboard");
        assertThat(podName()).as("monitoring objects do not touch the pod").isEqualTo(pod);

        // A real Prometheus, loopback only, with the rules as the API server stored them, scraping the pod.
        Path work = Files.createTempDirectory("prometheus-");
        String rule = cluster.kubectl("get", "prometheusrule", RELEASE, "-n", NAMESPACE, "-o", "json");
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode rules = json.createObjectNode();
        rules.set("groups", json.readTree(rule).at("/spec/groups"));
        Files.writeString(work.resolve("rules.json"), json.writeValueAsString(rules));
        int port = LocalCluster.freePort(1);
        Files.writeString(work.resolve("scraper-token"), scraperToken());
        Files.writeString(work.resolve("prometheus.yml"), "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                + "rule_files: [rules.json]\nscrape_configs:\n  - job_name: smtp-probe-operator\n"
                + "    metrics_path: /q/metrics\n    authorization:\n      credentials_file: " + work.resolve("scraper-token")
                + "\n    static_configs:\n      - targets: ['127.0.0.1:" + httpPort + "']\n");
        Process prometheus = new ProcessBuilder(prometheusDir.resolve("prometheus").toString(),
                "--config.file=" + work.resolve("prometheus.yml"), "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
        try {
            HttpClient http = HttpClient.newHttpClient();
            Supplier<String> alerts = () -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/alerts"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                } catch (IOException e) {
                    return "";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            };
            Pattern fabrikamFiring = Pattern.compile("\\{\"labels\":\\{[^}]*\"alertname\":\"SmtpProbeFailing\"[^}]*"
                    + "\"name\":\"fabrikam\"[^}]*\\},\"annotations\":\\{[^}]*\\},\"state\":\"firing\"");
            awaitUntil(Duration.ofSeconds(90), () -> fabrikamFiring.matcher(alerts.get()).find(),
                    () -> alerts.get() + readQuietly(work.resolve("prometheus.log")));
            String firing = alerts.get();
            System.out.println("Prometheus alerts: " + firing);
            assertThat(firing).doesNotContain("\"name\":\"contoso\"");
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor();
            }
            try (var walk = Files.walk(work)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    @Test
    @Order(4)
    void helmUpgradeRollsThePodAndStatusesSurvive() {
        String before = podName();
        Map<String, java.time.Instant> probedBefore = lastProbeTimes();
        Helm.Result upgrade = helm.run(installArguments("upgrade", "--set", "probes.maxConcurrent=32"));
        assertThat(upgrade.exitCode()).as(upgrade.output() + diagnostics()).isZero();
        awaitUntil(Duration.ofSeconds(120), () -> {
            List<String> pods = pods();
            return pods.size() == 1 && !pods.get(0).equals(before);
        }, this::diagnostics);
        String after = podName();
        assertThat(cluster.kubectl("get", "pod", after, "-n", NAMESPACE, "-o",
                "jsonpath={.spec.containers[0].env[?(@.name==\"SMTPPROBE_MAX_CONCURRENT_PROBES\")].value}"))
                .isEqualTo("32");
        assertThat(results()).isEqualTo(EXPECTED);
        awaitUntil(Duration.ofSeconds(60),
                () -> cluster.kubectl("logs", "-n", NAMESPACE, after).contains("acquired lease"), this::diagnostics);
        // Probing resumes on the schedule the status records, without a burst: each example's next probe comes
        // one interval (1m, less the 10 % jitter) after its last one before the upgrade, not when the pod starts.
        awaitUntil(Duration.ofSeconds(120), () -> {
            Map<String, java.time.Instant> now = lastProbeTimes();
            return EXPECTED.keySet().stream().allMatch(n -> now.get(n).isAfter(probedBefore.get(n)));
        }, () -> lastProbeTimes() + " vs " + probedBefore);
        Map<String, java.time.Instant> probedAfter = lastProbeTimes();
        EXPECTED.keySet().forEach(name -> assertThat(Duration.between(probedBefore.get(name), probedAfter.get(name)))
                .as("gap between %s's last probe before the upgrade and its first after", name)
                .isGreaterThanOrEqualTo(Duration.ofSeconds(53)));
        assertThat(results()).isEqualTo(EXPECTED);
    }

    private Map<String, java.time.Instant> lastProbeTimes() {
        Map<String, java.time.Instant> times = new LinkedHashMap<>();
        EXPECTED.keySet().forEach(name -> times.put(name, java.time.Instant.parse(cluster.kubectl("get", "smtpprobe",
                name, "-n", "default", "-o", "jsonpath={.status.lastProbeTime}").strip())));
        return times;
    }

    /**
     * Two replicas on one node (hostNetwork: they share the HTTP port through SO_REUSEPORT): only the Lease holder
     * probes. The holder then dies as in a crash (its JVM gets SIGKILL, so it cannot release the Lease, and the pod
     * is force-deleted): another pod takes the Lease once it expires, and no example is probed twice meanwhile. That
     * is the standby or the pod the ReplicaSet starts at once in the dead one's place: its JVM is up well within the
     * lease duration, so both compete for the expired Lease, and either may win.
     */
    @Test
    @Order(5)
    void twoReplicasOnlyTheLeaseHolderProbesAndTheStandbyTakesOverWhenItDies() throws IOException {
        String leader = podName();
        Map<String, List<java.time.Instant>> probes = new LinkedHashMap<>();
        recordProbeTimes(probes);
        // The values of the upgrade before, plus the replica count: a scale-up, no rollout. Two replicas would
        // shard the resources (sharding.enabled auto); this step is about the single Lease, so sharding stays off.
        Helm.Result upgrade = helm.run(installArguments("upgrade", "--set", "probes.maxConcurrent=32",
                "--set", "replicaCount=2", "--set", "sharding.enabled=false"));
        assertThat(upgrade.exitCode()).as(upgrade.output() + diagnostics()).isZero();
        List<String> pods = pods();
        assertThat(pods).as("operator pods").hasSize(2).contains(leader);
        String standby = pods.stream().filter(p -> !p.equals(leader)).findFirst().orElseThrow();
        assertThat(cluster.kubectl("get", "pods", "-n", NAMESPACE, "-l", POD_SELECTOR, "-o",
                "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")].status}")).isEqualTo("True True");
        awaitUntil(Duration.ofSeconds(60), () -> cluster.kubectl("logs", "-n", NAMESPACE, standby)
                .contains("operator started"), this::diagnostics);
        assertThat(leaseHolder()).isEqualTo(leader);

        // Both running: every example is probed again (by the holder), and the standby never takes the Lease.
        Map<String, java.time.Instant> scaled = lastProbeTimes();
        awaitUntil(Duration.ofSeconds(120), () -> {
            Map<String, java.time.Instant> now = recordProbeTimes(probes);
            return EXPECTED.keySet().stream().allMatch(n -> now.get(n).isAfter(scaled.get(n)));
        }, () -> probes + diagnostics());
        assertThat(leaseHolder()).isEqualTo(leader);
        assertThat(cluster.kubectl("logs", "-n", NAMESPACE, leader)).contains(leader + " acquired lease");
        assertThat(cluster.kubectl("logs", "-n", NAMESPACE, standby)).doesNotContain("acquired lease");
        assertThat(results()).isEqualTo(EXPECTED);

        // The holder crashes: SIGKILL to its processes (no Lease release), then the pod is force-deleted.
        int leaseSeconds = Integer.parseInt(cluster.kubectl("get", "lease", LEASE, "-n", NAMESPACE, "-o",
                "jsonpath={.spec.leaseDurationSeconds}").strip());
        Duration leaseDuration = Duration.ofSeconds(leaseSeconds);
        Map<String, java.time.Instant> beforeCrash = recordProbeTimes(probes);
        List<Long> pids = containerPids(leader);
        assertThat(pids).as("processes of %s's container", leader).isNotEmpty();
        long killed = System.nanoTime();
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        cluster.kubectl("delete", "pod", leader, "-n", NAMESPACE, "--grace-period=0", "--force", "--wait=false");
        // Polled back to back (each kubectl call takes a fraction of a second), not every 500 ms.
        long deadline = killed + leaseDuration.plus(Duration.ofSeconds(30)).toNanos();
        String holder = leaseHolder();
        while (holder.isEmpty() || holder.equals(leader)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no other pod took over; lease held by " + leaseHolder() + diagnostics());
            }
            holder = leaseHolder();
        }
        Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
        String newLeader = holder;
        assertThat(pods()).as("the new holder is a live operator pod").contains(newLeader);
        // The nominal bound is the lease duration plus the retry period (15 s + 2 s): the Lease expires at most
        // leaseDuration after the holder's last renewal, and the standby tries every retry period. fabric8's elector
        // stretches each wait by a random jitter of up to 1.2 retry periods, and a kubectl poll on this busy
        // 2-core machine (the replacement pod's JVM is starting) takes up to about a second: 2 s for those.
        Duration nominal = leaseDuration.plus(RETRY_PERIOD);
        Duration bound = nominal.plus(RETRY_PERIOD.multipliedBy(12).dividedBy(10)).plus(Duration.ofSeconds(2));
        System.out.printf("leader %s killed: %s (%s) took the Lease over after %.1f s (lease %d s + retry period %d s"
                + " = %d s; bound with the elector's jitter and this test's polling: %.1f s)%n", leader, newLeader,
                newLeader.equals(standby) ? "the standby" : "the replacement pod", takeover.toMillis() / 1000.0,
                leaseSeconds, RETRY_PERIOD.toSeconds(), nominal.toSeconds(), bound.toMillis() / 1000.0);
        assertThat(takeover).as("takeover after the holder died").isLessThanOrEqualTo(bound);
        awaitUntil(Duration.ofSeconds(30), () -> cluster.kubectl("logs", "-n", NAMESPACE, newLeader)
                .contains(newLeader + " acquired lease"), this::diagnostics);

        // The new holder probes each example on the schedule its status records, not at once: each one's next
        // probe comes one interval (1 m, less the 10 % jitter) after its last one, across the whole window.
        awaitUntil(Duration.ofSeconds(120), () -> {
            Map<String, java.time.Instant> now = recordProbeTimes(probes);
            return EXPECTED.keySet().stream().allMatch(n -> now.get(n).isAfter(beforeCrash.get(n)));
        }, () -> probes + diagnostics());
        System.out.println("lastProbeTime sequences with two replicas and across the takeover: " + probes);
        probes.forEach((name, times) -> {
            for (int i = 1; i < times.size(); i++) {
                assertThat(Duration.between(times.get(i - 1), times.get(i)))
                        .as("gap between %s's probes at %s and %s", name, times.get(i - 1), times.get(i))
                        .isGreaterThanOrEqualTo(Duration.ofSeconds(53));
            }
        });
        assertThat(results()).isEqualTo(EXPECTED);
        awaitUntil(Duration.ofSeconds(120), () -> pods().size() == 2 && cluster.kubectl("get", "pods", "-n",
                NAMESPACE, "-l", POD_SELECTOR, "-o", "jsonpath={.items[*].status.conditions[?(@.type==\"Ready\")]"
                        + ".status}").equals("True True"), this::diagnostics);
        String other = pods().stream().filter(p -> !p.equals(newLeader)).findFirst().orElseThrow();
        assertThat(cluster.kubectl("logs", "-n", NAMESPACE, other)).doesNotContain("acquired lease");
        assertThat(leaseHolder()).isEqualTo(newLeader);

        // Back to one replica for the steps after this one; whichever pod stays holds the Lease.
        upgrade = helm.run(installArguments("upgrade", "--set", "probes.maxConcurrent=32"));
        assertThat(upgrade.exitCode()).as(upgrade.output() + diagnostics()).isZero();
        awaitUntil(Duration.ofSeconds(60), () -> pods().size() == 1, this::diagnostics);
        String remaining = podName();
        awaitUntil(leaseDuration.plus(Duration.ofSeconds(30)), () -> remaining.equals(leaseHolder()),
                () -> "lease held by " + leaseHolder() + diagnostics());
    }

    /** What the operator's leader election uses unless SMTPPROBE_LEADER_ELECTION_RETRY_PERIOD is set (the chart
     * does not set it): OperatorConfig's default. The lease duration is read from the Lease itself. */
    private static final Duration RETRY_PERIOD = Duration.ofSeconds(2);

    private String leaseHolder() {
        return cluster.kubectl("get", "lease", LEASE, "-n", NAMESPACE, "-o", "jsonpath={.spec.holderIdentity}").strip();
    }

    /** Adds each example's lastProbeTime to its sequence when it is new; returns the current ones. */
    private Map<String, java.time.Instant> recordProbeTimes(Map<String, List<java.time.Instant>> sequences) {
        Map<String, java.time.Instant> now = lastProbeTimes();
        now.forEach((name, time) -> {
            List<java.time.Instant> times = sequences.computeIfAbsent(name, n -> new java.util.ArrayList<>());
            if (times.isEmpty() || !times.get(times.size() - 1).equals(time)) {
                times.add(time);
            }
        });
        return now;
    }

    @Test
    @Order(6)
    void aThousandProbesRunThreeIntervalsInTheChartsMemoryLimit() throws Exception {
        // The demo world is one Postfix that takes about 0.5 s to answer RCPT; at the chart's 2 connections per
        // server that is ~3 probes/s, and 1,000 probes every 30 s need ~33/s. So this step allows 64 connections
        // per server (the chart's maxConcurrent): the load is on the operator, not on the politeness limit.
        String before = podName();
        Helm.Result upgrade = helm.run(installArguments("upgrade", "--set", "probes.perHostLimit=64"));
        assertThat(upgrade.exitCode()).as(upgrade.output() + diagnostics()).isZero();
        awaitUntil(Duration.ofSeconds(120), () -> {
            List<String> pods = pods();
            return pods.size() == 1 && !pods.get(0).equals(before);
        }, this::diagnostics);
        String pod = podName();
        awaitUntil(Duration.ofSeconds(60),
                () -> cluster.kubectl("logs", "-n", NAMESPACE, pod).contains("acquired lease"), this::diagnostics);
        long probesBefore = probesTotal();
        cluster.kubectl("create", "namespace", LOAD_NAMESPACE);
        StringBuilder yaml = new StringBuilder();
        for (int i = 0; i < LOAD_PROBES; i++) {
            yaml.append("---\napiVersion: smtpprobe.io/v1alpha1\nkind: SmtpProbe\nmetadata:\n  name: load-").append(i)
                    .append("\n  namespace: ").append(LOAD_NAMESPACE).append("\nspec:\n  domains: [\"contoso.test\"]\n")
                    .append("  rcptTo: [\"user@contoso.test\"]\n  port: 2525\n  interval: 30s\n");
        }
        Path file = Files.createTempFile("load-probes-", ".yaml");
        Files.writeString(file, yaml);
        long started = System.nanoTime();
        cluster.kubectl("apply", "--server-side", "-f", file.toString());
        Files.delete(file);
        // A generous bound: how fast is for the benchmarks (OperatorScaleBench); on a loaded 2-core CI machine the
        // first round took 94 s.
        awaitUntil(Duration.ofSeconds(240), () -> successes() == LOAD_PROBES, () -> successes() + " of " + LOAD_PROBES
                + " succeeded" + diagnostics());
        System.out.printf("%d SmtpProbes all Success %d s after they were applied%n", LOAD_PROBES,
                Duration.ofNanos(System.nanoTime() - started).toSeconds());
        // Three intervals of 30 s in all, counted from the apply.
        long remaining = Duration.ofSeconds(95).toMillis() - Duration.ofNanos(System.nanoTime() - started).toMillis();
        if (remaining > 0) {
            OperatorProcess.sleep(remaining);
        }
        assertThat(podName()).as("the same pod, not a replacement").isEqualTo(pod);
        assertThat(cluster.kubectl("get", "pod", pod, "-n", NAMESPACE, "-o",
                "jsonpath={.status.containerStatuses[0].restartCount} {.status.containerStatuses[0].lastState}"))
                .as(() -> "the container restarted; its previous log ends:\n" + previousLogTail(pod)).isEqualTo("0 {}");
        assertThat(successes()).isEqualTo(LOAD_PROBES);
        long peak = peakMemoryMiB(pod);
        long probes = probesTotal() - probesBefore;
        System.out.printf("%d SmtpProbes for three 30 s intervals: %d probes run, container peak memory %d MiB of the"
                + " 512 MiB limit, no restart%n", LOAD_PROBES, probes, peak);
        assertThat(probes).as("probes in three intervals").isGreaterThanOrEqualTo(2L * LOAD_PROBES);
        assertThat(peak).isLessThan(512);
        cluster.kubectl("delete", "namespace", LOAD_NAMESPACE, "--wait=false");
    }

    /** smtpprobe_probes_total over all results and reasons, from the pod's /q/metrics. */
    private long probesTotal() throws Exception {
        String body = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/metrics"))
                        .header("Authorization", "Bearer " + scraperToken())
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        return (long) body.lines().filter(l -> l.startsWith("smtpprobe_probes_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private int successes() {
        return (int) cluster.kubectl("get", "smtpprobes", "-n", LOAD_NAMESPACE, "-o",
                "jsonpath={range .items[*]}{.status.result}{\"\\n\"}{end}").lines()
                .filter("Success"::equals).count();
    }

    @Test
    @Order(7)
    void helmUninstallLeavesNoPodLeaseOrRbacAndKeepsTheCrd() {
        Helm.Result uninstall = helm.run("uninstall", RELEASE, "-n", NAMESPACE, "--wait", "--timeout", "120s");
        assertThat(uninstall.exitCode()).as(uninstall.output()).isZero();
        awaitUntil(Duration.ofSeconds(60), () -> pods().isEmpty(), this::diagnostics);
        assertThat(cluster.kubectl("get", "leases", "-n", NAMESPACE, "-o", "name")).doesNotContain(LEASE);
        assertThat(cluster.kubectl("get", "clusterroles,clusterrolebindings", "-o", "name"))
                .doesNotContain(RELEASE);
        assertThat(cluster.kubectl("get", "roles,rolebindings,serviceaccounts,deployments", "-n", NAMESPACE,
                "-o", "name")).doesNotContain(RELEASE);
        assertThat(cluster.kubectl("get", "crd", "smtpprobes.smtpprobe.io", "-o", "name"))
                .contains("smtpprobes.smtpprobe.io");
        assertThat(cluster.kubectl("get", "smtpprobes", "-n", "default", "-o", "name")).contains("contoso");
    }

    /** The values of the README's local-node install: the image just built, never pulled, on the node's network. */
    private String[] installArguments(String verb, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(verb, RELEASE, CHART.toString(), "-n", NAMESPACE,
                "--wait", "--timeout", "100s",
                "--set", "image.tag=" + imageTag, "--set", "image.pullPolicy=Never",
                "--set", "hostNetwork=true", "--set", "httpPort=" + httpPort, "--set", "httpHost=127.0.0.1",
                "--set", "apiServer.host=127.0.0.1", "--set", "apiServer.port=" + cluster.apiServerPort(),
                "--set", "dns.servers={" + peers.resolver() + "}",
                "--set", "policy.allowedPorts={2525}", "--set", "policy.allowedNetworks={127.0.0.0/8}"));
        if (verb.equals("install")) {
            args.add("--create-namespace");
        }
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    /** Runs {@link io.smtpprobe.e2e.inside.InsidePod} in the operator's container, from its /tmp emptyDir. */
    private Map<String, String> insidePod(String pod) throws IOException {
        String uid = cluster.kubectl("get", "pod", pod, "-n", NAMESPACE, "-o", "jsonpath={.metadata.uid}").strip();
        Path emptyDir = ControlPlaneBinaries.cacheDir().resolve("local-node/kubelet/pods").resolve(uid)
                .resolve("volumes/kubernetes.io~empty-dir/tmp");
        assertThat(emptyDir).as("the pod's /tmp on the node").isDirectory();
        Path target = emptyDir.resolve("inside").resolve(INSIDE_POD_CLASS);
        Files.createDirectories(target.getParent());
        Files.copy(INSIDE_POD_CLASSES.resolve(INSIDE_POD_CLASS), target);
        try (var walk = Files.walk(emptyDir.resolve("inside"))) {
            for (Path p : walk.toList()) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        String output = cluster.kubectl("exec", "-n", NAMESPACE, pod, "-c", "operator", "--",
                "/opt/java/bin/java", "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", "/tmp/inside",
                "io.smtpprobe.e2e.inside.InsidePod");
        return output.lines().filter(line -> line.contains("="))
                .collect(Collectors.toMap(line -> line.substring(0, line.indexOf('=')),
                        line -> line.substring(line.indexOf('=') + 1)));
    }

    /** The container's peak memory as its memory cgroup (v1) on the node recorded it. */
    private long peakMemoryMiB(String pod) throws IOException {
        return Long.parseLong(Files.readString(containerCgroup(pod).resolve("memory.max_usage_in_bytes")).strip()) >> 20;
    }

    /** The host pids of the operator container's processes, from its memory cgroup (v1) on the node. */
    private List<Long> containerPids(String pod) throws IOException {
        return Files.readAllLines(containerCgroup(pod).resolve("cgroup.procs")).stream().filter(l -> !l.isBlank())
                .map(l -> Long.parseLong(l.strip())).toList();
    }

    private Path containerCgroup(String pod) throws IOException {
        String uid = cluster.kubectl("get", "pod", pod, "-n", NAMESPACE, "-o", "jsonpath={.metadata.uid}").strip();
        String containerId = cluster.kubectl("get", "pod", pod, "-n", NAMESPACE, "-o",
                "jsonpath={.status.containerStatuses[0].containerID}").strip().replaceFirst("^containerd://", "");
        try (var found = Files.find(Path.of("/sys/fs/cgroup/memory/kubepods"), 3,
                (p, attrs) -> p.getFileName().toString().equals("pod" + uid))) {
            Path podCgroup = found.findFirst().orElseThrow(() -> new AssertionError("no memory cgroup for pod " + uid));
            return podCgroup.resolve(containerId);
        }
    }

    private List<String> pods() {
        return cluster.kubectl("get", "pods", "-n", NAMESPACE, "-l", POD_SELECTOR, "-o",
                "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}").lines().filter(l -> !l.isBlank()).toList();
    }

    private String podName() {
        List<String> pods = pods();
        assertThat(pods).as("operator pods").hasSize(1);
        return pods.get(0);
    }

    private Map<String, String> results() {
        Map<String, String> results = new LinkedHashMap<>();
        EXPECTED.keySet().forEach(name -> results.put(name, cluster.kubectl("get", "smtpprobe", name, "-n", "default",
                "-o", "jsonpath={.status.result} {.status.reason}").strip()));
        return results;
    }

    /** A token of the chart's metrics scraper ServiceAccount (bound to get /metrics), as a scraper would hold. */
    private String scraperToken() {
        if (scraperToken == null) {
            scraperToken = cluster.kubectl("create", "token", RELEASE + "-metrics-scraper", "-n", NAMESPACE).strip();
        }
        return scraperToken;
    }

    /** Why a container ended: the end of its previous instance's log. */
    private String previousLogTail(String pod) {
        try {
            return cluster.kubectl("logs", "-n", NAMESPACE, pod, "--previous", "--tail=80");
        } catch (RuntimeException e) {
            return "(no previous log: " + e.getMessage() + ")";
        }
    }

    private String diagnostics() {
        try {
            return "\n" + cluster.kubectl("get", "pods,events", "-n", NAMESPACE, "-o", "wide");
        } catch (RuntimeException e) {
            return "\n(no diagnostics: " + e.getMessage() + ")";
        }
    }

    private static void awaitUntil(Duration timeout, Supplier<Boolean> condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout + ":\n" + diagnostics.get());
            }
            OperatorProcess.sleep(500);
        }
    }
}
