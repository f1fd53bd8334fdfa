package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The chart's PrometheusRule and Grafana dashboard against a real promtool (Debian's prometheus package, extracted
 * by hack/prometheus.sh): every alert passes unit tests on series of the exact names and labels the operator
 * exports (src/test/resources/prometheus/smtp-probe-rules-test.yaml), and every PromQL expression of the dashboard
 * parses.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrometheusRulesIT {

    private static final Path CHART = Path.of("helm/smtp-probe-operator");
    private static final Path DASHBOARD = CHART.resolve("dashboards/smtp-probe.json");
    private static final YAMLMapper YAML = new YAMLMapper();

    private Path promtool;
    private Path work;

    @BeforeAll
    void extractPromtool() throws IOException {
        LocalCluster.Result extracted = LocalCluster.run(Map.of(), 300, "bash", "hack/prometheus.sh");
        assertThat(extracted.exitCode()).as("hack/prometheus.sh:\n%s", extracted.stderr()).isZero();
        promtool = Path.of(extracted.stdout().strip()).resolve("promtool");
        work = Files.createTempDirectory("prometheus-rules-");
    }

    @Test
    void everyAlertOfTheChartPassesItsPromtoolUnitTests() throws IOException {
        Helm.Result rendered = new Helm(work.resolve("no-kubeconfig")).run("template", "smtp-probe-operator",
                CHART.toString(), "--set", "prometheusRule.enabled=true",
                "--show-only", "templates/prometheusrule.yaml");
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();
        JsonNode rule = YAML.readTree(rendered.output());
        ObjectNode rules = YAML.createObjectNode();
        rules.set("groups", rule.at("/spec/groups"));
        YAML.writeValue(work.resolve("rules.yaml").toFile(), rules);
        List<String> alerts = rule.at("/spec/groups").findValuesAsText("alert");
        assertThat(alerts).containsExactlyInAnyOrder("SmtpProbeFailing", "SmtpProbeConsecutiveFailures",
                "SmtpCertificateExpiringSoon");

        Path tests = work.resolve("smtp-probe-rules-test.yaml");
        try (InputStream in = getClass().getResourceAsStream("/prometheus/smtp-probe-rules-test.yaml")) {
            assertThat(in).as("the rule tests on the test classpath").isNotNull();
            Files.copy(in, tests);
        }
        // Every alert of the chart has a test: a new alert without one fails here.
        String testText = Files.readString(tests);
        alerts.forEach(alert -> assertThat(testText).as("unit tests of " + alert).contains("alertname: " + alert));

        LocalCluster.Result result = LocalCluster.run(Map.of(), 120, promtool.toString(), "test", "rules",
                tests.toString());
        assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
        assertThat(result.stdout()).contains("SUCCESS");
    }

    @Test
    void theServiceMonitorScrapesProtectedMetricsWithATokenTheChartBindsToGetMetrics() throws IOException {
        Helm.Result rendered = new Helm(work.resolve("no-kubeconfig")).run("template", "smtp-probe-operator",
                CHART.toString(), "-n", "monitoring-test", "--set", "serviceMonitor.enabled=true",
                "--set", "api.auth.metricsReaders[0].kind=ServiceAccount",
                "--set", "api.auth.metricsReaders[0].name=prometheus-k8s",
                "--set", "api.auth.metricsReaders[0].namespace=monitoring");
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();
        Map<String, JsonNode> objects = new java.util.HashMap<>();
        try (var parser = YAML.getFactory().createParser(rendered.output())) {
            for (JsonNode object : YAML.readValues(parser, JsonNode.class).readAll()) {
                if (object != null && object.has("kind")) {
                    objects.put(object.get("kind").asText() + "/" + object.at("/metadata/name").asText(), object);
                }
            }
        }
        // protected by default: the operator asks for get /metrics on every scrape
        assertThat(objects.get("Deployment/smtp-probe-operator").at("/spec/template/spec/containers/0/env").toString())
                .contains("{\"name\":\"SMTPPROBE_API_AUTH_ENABLED\",\"value\":\"true\"}",
                        "{\"name\":\"SMTPPROBE_API_AUTH_METRICS\",\"value\":\"true\"}");
        JsonNode credentials = objects.get("ServiceMonitor/smtp-probe-operator").at("/spec/endpoints/0/authorization");
        assertThat(credentials.path("type").asText()).isEqualTo("Bearer");
        JsonNode secret = objects.get("Secret/" + credentials.at("/credentials/name").asText());
        assertThat(secret).as("the Secret the ServiceMonitor names").isNotNull();
        assertThat(credentials.at("/credentials/key").asText()).isEqualTo("token");
        assertThat(secret.path("type").asText()).isEqualTo("kubernetes.io/service-account-token");
        String scraper = secret.at("/metadata/annotations").path("kubernetes.io/service-account.name").asText();
        assertThat(objects).containsKey("ServiceAccount/" + scraper);

        JsonNode binding = objects.get("ClusterRoleBinding/smtp-probe-operator-metrics-reader");
        assertThat(binding.at("/subjects").toString()).contains(
                "{\"kind\":\"ServiceAccount\",\"name\":\"" + scraper + "\",\"namespace\":\"monitoring-test\"}",
                "{\"kind\":\"ServiceAccount\",\"name\":\"prometheus-k8s\",\"namespace\":\"monitoring\"}");
        JsonNode role = objects.get("ClusterRole/" + binding.at("/roleRef/name").asText());
        assertThat(role.at("/rules").toString())
                .isEqualTo("[{\"nonResourceURLs\":[\"/metrics\"],\"verbs\":[\"get\"]}]");
    }

    @Test
    void openMetricsNeedNoScraperAccount() {
        Helm.Result rendered = new Helm(work.resolve("no-kubeconfig")).run("template", "smtp-probe-operator",
                CHART.toString(), "--set", "serviceMonitor.enabled=true", "--set", "api.auth.metrics=false");
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();
        assertThat(rendered.output()).doesNotContain("metrics-scraper", "metrics-reader", "authorization:");
    }

    @Test
    void everyDashboardExpressionParses() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> expressions = new ArrayList<>(dashboard.findValuesAsText("expr"));
        // Template variables: label_values(<series selector>, <label>) is Grafana's, the selector is PromQL.
        Matcher labelValues = Pattern.compile("label_values\\((.+),\\s*\\w+\\)").matcher("");
        for (JsonNode variable : dashboard.at("/templating/list")) {
            String query = variable.path("query").isTextual() ? variable.path("query").asText()
                    : variable.path("query").path("query").asText();
            if (labelValues.reset(query).matches()) {
                expressions.add(labelValues.group(1));
            }
        }
        assertThat(expressions).hasSizeGreaterThanOrEqualTo(5);

        ObjectNode rules = YAML.createObjectNode();
        ArrayNode group = rules.putArray("groups").addObject().put("name", "dashboard").putArray("rules");
        for (int i = 0; i < expressions.size(); i++) {
            // Grafana substitutes its variables before Prometheus sees the query.
            group.addObject().put("record", "dashboard:expression_" + i)
                    .put("expr", expressions.get(i).replace("$namespace", ".*").replace("$__rate_interval", "5m"));
        }
        Path file = work.resolve("dashboard-rules.yaml");
        YAML.writeValue(file.toFile(), rules);
        LocalCluster.Result result = LocalCluster.run(Map.of(), 120, promtool.toString(), "check", "rules",
                file.toString());
        assertThat(result.exitCode()).as(result.stdout() + result.stderr() + "\n" + expressions).isZero();
        assertThat(result.stdout()).contains("SUCCESS: " + expressions.size() + " rules found");
    }
}
