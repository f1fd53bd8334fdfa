package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smtpprobe.testsupport.ControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The HTTP API's access control against a real kube-apiserver with RBAC: ServiceAccount tokens minted by the
 * TokenRequest API, reviewed by TokenReview, their permissions asked by SubjectAccessReview. A reader bound to
 * namespace A sees only A and gets 403 on B; no token is 401; an ad-hoc check needs {@code smtpprobes/checks},
 * and one that delivers a message {@code smtpprobes/deliveries} too. The operator runs as the chart's
 * ServiceAccount with only the chart's RBAC, so the reviews it may create are the chart's grant. Nothing is probed: the resources are
 * suspended, and the one check that runs names a loopback server, which the default egress policy refuses
 * before any connection.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlIT {
    private static final String A = "authz-a";
    private static final String B = "authz-b";
    private static final Path CRDS = Path.of("crds");
    private static final Path CHART = Path.of("helm/smtp-probe-operator");
    private static final String RELEASE = "authz-it";
    private static final String OPERATOR_ACCOUNT = RELEASE + "-smtp-probe-operator";

    private final HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private ControlPlane controlPlane;
    private OperatorProcess operator;
    private Path scratch;
    private String reader;
    private String checker;
    private String scraper;

    @BeforeAll
    void startOperatorWithAccessControl() throws IOException {
        controlPlane = ControlPlane.shared();
        scratch = Files.createTempDirectory("access-control-it-");
        controlPlane.kubectl("apply", "--server-side", "--force-conflicts", "-f", CRDS.toString());
        controlPlane.kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/smtpprobes.smtpprobe.io");
        var objects = new StringBuilder();
        for (String ns : List.of(A, B)) {
            objects.append("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ").append(ns).append("\n---\n")
                    .append("apiVersion: smtpprobe.io/v1alpha1\nkind: SmtpProbe\nmetadata:\n  name: probe-").append(ns)
                    .append("\n  namespace: ").append(ns).append("\nspec:\n  domains: [\"nosuch.test\"]\n  suspend: true\n---\n");
        }
        objects.append(serviceAccount("reader")).append(serviceAccount("checker")).append(serviceAccount("scraper"))
                .append(role("probe-reader", "[\"smtpprobes\"]", "[\"get\", \"list\"]"))
                .append(binding("reader", "probe-reader"))
                .append(role("probe-checker", "[\"smtpprobes/checks\"]", "[\"create\"]"))
                .append(binding("checker", "probe-checker"))
                .append("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: authz-it-metrics\n"
                        + "rules:\n  - nonResourceURLs: [\"/metrics\"]\n    verbs: [\"get\"]\n---\n")
                .append("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: authz-it-metrics\n"
                        + "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: authz-it-metrics}\n"
                        + "subjects: [{kind: ServiceAccount, name: scraper, namespace: " + A + "}]\n");
        Path file = scratch.resolve("objects.yaml");
        Files.writeString(file, objects.toString(), StandardCharsets.UTF_8);
        controlPlane.kubectl("apply", "-f", file.toString());
        // The chart's ServiceAccount and RBAC (watch rules per namespace, the reviews' ClusterRole), nothing else.
        Helm.Result rbac = new Helm(controlPlane.kubeconfigPath()).run("template", RELEASE, CHART.toString(), "-n", A,
                "--show-only", "templates/serviceaccount.yaml", "--show-only", "templates/rbac.yaml",
                "--set", "leaderElection.enabled=false", "--set", "watchNamespaces={" + A + "," + B + "}");
        assertThat(rbac.exitCode()).as(rbac.output()).isZero();
        assertThat(rbac.output()).contains("tokenreviews", "subjectaccessreviews");
        Path chartRbac = scratch.resolve("chart-rbac.yaml");
        Files.writeString(chartRbac, rbac.output(), StandardCharsets.UTF_8);
        controlPlane.kubectl("apply", "-f", chartRbac.toString());
        Path operatorKubeconfig = controlPlane.kubeconfigForServiceAccount(A, OPERATOR_ACCOUNT);

        reader = controlPlane.serviceAccountToken(A, "reader");
        checker = controlPlane.serviceAccountToken(A, "checker");
        scraper = controlPlane.serviceAccountToken(A, "scraper");

        operator = OperatorProcess.start("access-control", operatorKubeconfig, Map.of(
                "SMTPPROBE_WATCH_NAMESPACES", A + "," + B,
                "SMTPPROBE_LEADER_ELECTION_ENABLED", "false",
                "SMTPPROBE_API_AUTH_ENABLED", "true",
                "SMTPPROBE_API_CHECKS_ENABLED", "true",
                "SMTPPROBE_API_CHECKS_NAMESPACE", A));
    }

    @AfterAll
    void stopEverything() {
        if (operator != null) {
            operator.close();
        }
        if (controlPlane != null) {
            controlPlane.kubectl("delete", "namespace", A, B, "--wait=false", "--ignore-not-found");
            controlPlane.kubectl("delete", "clusterrolebinding,clusterrole", "authz-it-metrics", OPERATOR_ACCOUNT + "-reviews",
                    "--ignore-not-found");
        }
    }

    @Test
    void aReaderOfOneNamespaceListsOnlyItAndIsRefusedTheOther() throws Exception {
        var list = send(get("/api/v1/smtpprobes", reader));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        List<String> namespaces = new ArrayList<>();
        new ObjectMapper().readTree(list.body()).forEach((JsonNode p) -> namespaces.add(p.get("namespace").asText()));
        assertThat(namespaces).containsExactly(A);

        var other = send(get("/api/v1/namespaces/" + B + "/smtpprobes/probe-" + B, reader));
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).contains("get smtpprobes.smtpprobe.io in namespace " + B);
        // Allowed in A: past access control to the replica's answer (suspended, so no report is held yet).
        var own = send(get("/api/v1/namespaces/" + A + "/smtpprobes/probe-" + A, reader));
        assertThat(own.statusCode()).isEqualTo(404);
        assertThat(own.body()).contains("no report held by this replica yet");
    }

    @Test
    void withoutATokenThe401AsksForABearerToken() throws Exception {
        var response = send(get("/api/v1/smtpprobes", null));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"smtp-probe-operator\"");
        var forged = send(get("/api/v1/smtpprobes", reader.substring(0, reader.length() - 4) + "AAAA"));
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    void anAdHocCheckNeedsTheChecksSubresourceAndADeliveryTheDeliveriesOne() throws Exception {
        String check = "{\"server\":[\"127.0.0.1\"],\"port\":25,\"rcpt-to\":[\"user@contoso.test\"]}";
        var refused = send(post("/api/v1/checks", reader, check));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).contains("create smtpprobes/checks.smtpprobe.io in namespace " + A);

        var allowed = send(post("/api/v1/checks", checker, check));
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(allowed.body()).get("reason").asText()).isEqualTo("PolicyBlocked");

        var elsewhere = send(post("/api/v1/checks?namespace=" + B, checker, check));
        assertThat(elsewhere.statusCode()).isEqualTo(403);

        var delivery = send(post("/api/v1/checks", checker, check.replace("}", ",\"data\":true}")));
        assertThat(delivery.statusCode()).isEqualTo(403);
        assertThat(delivery.body()).contains("create smtpprobes/deliveries.smtpprobe.io in namespace " + A);
    }

    @Test
    void metricsNeedGetOnTheMetricsUrlHealthNeedsNothing() throws Exception {
        assertThat(send(get("/q/metrics", null)).statusCode()).isEqualTo(401);
        assertThat(send(get("/q/metrics", reader)).statusCode()).isEqualTo(403);
        var scrape = send(get("/q/metrics", scraper));
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("jvm_");
        assertThat(send(get("/q/health/ready", null)).statusCode()).isEqualTo(200);
    }

    private static String serviceAccount(String name) {
        return "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: " + name + "\n  namespace: " + A + "\n---\n";
    }

    private static String role(String name, String resources, String verbs) {
        return "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: " + name + "\n  namespace: " + A + "\n"
                + "rules:\n  - apiGroups: [\"smtpprobe.io\"]\n    resources: " + resources + "\n    verbs: " + verbs + "\n---\n";
    }

    private static String binding(String serviceAccount, String role) {
        return "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: " + serviceAccount + "\n  namespace: " + A + "\n"
                + "roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: " + role + "}\n"
                + "subjects: [{kind: ServiceAccount, name: " + serviceAccount + ", namespace: " + A + "}]\n---\n";
    }

    private HttpRequest get(String path, String token) {
        var request = HttpRequest.newBuilder(operator.uri(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    private HttpRequest post(String path, String token, String json) {
        return HttpRequest.newBuilder(operator.uri(path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
