package io.smtpprobe.operator.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The operator as deployed: CDI wiring, leader election, REST API, health and metrics, against a fake API server. */
@QuarkusTest
@QuarkusTestResource(value = MockApiServerResource.class, restrictToAnnotatedClass = true)
@TestProfile(OperatorApplicationTest.Scripted.class)
class OperatorApplicationTest {

    public static class Scripted implements QuarkusTestProfile {
        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(ScriptedProbeRunner.class);
        }
    }

    @TestHTTPResource("/")
    URL base;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void probesAResourceAndServesTheResult() throws Exception {
        Probes.await(() -> get("/q/health/ready").statusCode() == 200);

        try (var client = MockApiServerResource.server.createClient()) {
            var probe = new SmtpProbe();
            probe.setMetadata(new ObjectMetaBuilder().withName("fabrikam").withNamespace("mail").build());
            var spec = new SmtpProbeSpec();
            spec.setDomains(List.of("fabrikam.test"));
            probe.setSpec(spec);
            client.resources(SmtpProbe.class).inNamespace("mail").resource(probe).create();
        }

        Probes.await(() -> get("/api/v1/smtpprobes").body().contains("fabrikam.test: mx1.fabrikam.test (127.0.0.1:25) RCPT 550"));
        assertThat(get("/api/v1/smtpprobes").body())
                .contains("\"name\":\"fabrikam\"", "\"reason\":\"RecipientUnknown\"",
                        "fabrikam.test: mx1.fabrikam.test (127.0.0.1:25) RCPT 550 5.1.1 User unknown");

        var list = new ObjectMapper().readTree(get("/api/v1/smtpprobes").body());
        assertThat(list).filteredOn(item -> item.get("name").asText().equals("fabrikam")).singleElement().satisfies(item -> {
            assertThat(fieldNames(item)).containsExactlyInAnyOrder("namespace", "name", "result", "reason", "message", "lastProbeTime");
            assertThat(item.get("namespace").asText()).isEqualTo("mail");
            assertThat(item.get("lastProbeTime").asText()).isNotBlank();
        });

        var detail = get("/api/v1/namespaces/mail/smtpprobes/fabrikam");
        assertThat(detail.statusCode()).isEqualTo(200);
        JsonNode report = new ObjectMapper().readTree(detail.body());
        assertThat(report.get("namespace").asText()).isEqualTo("mail");
        assertThat(report.get("name").asText()).isEqualTo("fabrikam");
        assertThat(report.get("generation").asLong()).isEqualTo(1);
        assertThat(Instant.parse(report.get("probedAt").asText())).isBefore(Instant.now().plusSeconds(1));
        // The check --json contract: addresses as plain strings, reasons with their explanation, transcripts.
        assertThat(report.get("result").asText()).isEqualTo("PermanentFailure");
        assertThat(report.get("explanation").asText()).isNotBlank();
        JsonNode server = report.get("domains").get(0).get("servers").get(0);
        assertThat(server.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(server.get("reply").get("code").asInt()).isEqualTo(550);
        assertThat(server.get("transcript").toString()).contains("550 5.1.1 User unknown");
        assertThat(get("/api/v1/namespaces/mail/smtpprobes/nope").statusCode()).isEqualTo(404);

        var metrics = get("/q/metrics").body();
        assertThat(metrics).containsPattern("smtpprobe_probe_success\\{[^}]*domain=\"fabrikam.test\"[^}]*\\} 0\\.0");
        assertThat(metrics).containsPattern("smtpprobe_probes_total\\{[^}]*reason=\"RecipientUnknown\"");
        assertThat(metrics).contains("smtpprobe_last_reply_code", "smtpprobe_probe_duration_seconds_bucket");
    }

    /** Series the Helm chart's alerts and dashboard use; every label value an identifier or an enum name. */
    @Test
    void metricsCarryOnlyIdentifiersAndEnumNames() throws Exception {
        Probes.await(() -> get("/q/health/ready").statusCode() == 200);
        try (var client = MockApiServerResource.server.createClient()) {
            Probes.create(client, "contoso", spec -> spec.setDomains(List.of("contoso.test")));
        }
        Probes.await(() -> get("/q/metrics").body().contains("smtpprobe_consecutive_failures{name=\"contoso\""));

        var series = get("/q/metrics").body().lines().filter(l -> l.startsWith("smtpprobe_")).toList();
        assertThat(series).extracting(l -> l.replaceAll("[{ ].*", "")).contains(
                "smtpprobe_probe_success", "smtpprobe_probe_duration_seconds_bucket", "smtpprobe_last_reply_code",
                "smtpprobe_certificate_expiry_timestamp_seconds", "smtpprobe_probes_total", "smtpprobe_consecutive_failures");
        assertThat(series).anySatisfy(l -> assertThat(l)
                .matches("smtpprobe_certificate_expiry_timestamp_seconds\\{.*host=\"mx1.contoso.test\".*\\} 4\\.0709088E9"));
        assertThat(series).anySatisfy(l -> assertThat(l).matches("smtpprobe_consecutive_failures\\{name=\"contoso\",namespace=\"mail\"\\} [1-9].*"));
        var label = java.util.regex.Pattern.compile("(\\w+)=\"([^\"]*)\"");
        for (String line : series) {
            var m = label.matcher(line.substring(0, Math.max(0, line.lastIndexOf('}') + 1)));
            while (m.find()) {
                assertThat(m.group(1)).as(line).isIn("namespace", "name", "domain", "host", "stage", "result", "reason", "le");
                assertThat(m.group(2)).as(line).matches("[A-Za-z0-9._+-]*");
            }
        }
    }

    @Test
    void adHocChecksAreOffByDefault() throws Exception {
        var response = http.send(HttpRequest.newBuilder(base.toURI().resolve("/api/v1/checks"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"domains\":[\"contoso.test\"]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
    }

    static List<String> fieldNames(JsonNode node) {
        var names = new java.util.ArrayList<String>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base.toString()).resolve(path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
