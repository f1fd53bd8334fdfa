package io.smtpprobe.operator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smtpprobe.testsupport.Postfix;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/v1/checks} switched on, against a real Postfix on loopback. Only this profile's
 * egress policy lets the operator reach loopback, and only on the Postfix port.
 */
@QuarkusTest
@Tag("real")
@TestProfile(AdHocCheckApiTest.ChecksEnabled.class)
class AdHocCheckApiTest {

    public static class ChecksEnabled implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("smtpprobe.operator.enabled", "false", "smtpprobe.api.checks.enabled", "true");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(LoopbackPostfix.class));
        }
    }

    public static class LoopbackPostfix implements QuarkusTestResourceLifecycleManager {
        static Postfix postfix;

        @Override
        public Map<String, String> start() {
            postfix = Postfix.builder().myhostname("mx1.contoso.test").domain("contoso.test", "user").start();
            return Map.of("smtpprobe.policy.allowed-ports", String.valueOf(postfix.port()),
                    "smtpprobe.policy.denied-networks", "169.254.0.0/16");
        }

        @Override
        public void stop() {
            if (postfix != null) {
                postfix.close();
            }
        }
    }

    @TestHTTPResource("/api/v1/checks")
    URL checks;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> post(String json) throws Exception {
        return http.send(HttpRequest.newBuilder(checks.toURI()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.replace('\'', '"'))).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String options(int port) {
        return "{'server':['127.0.0.1'],'port':" + port + ",'rcpt-to':['user@contoso.test'],'ehlo':'probe.contoso.test',"
                + "'connect-timeout':'2s','command-timeout':'3s','timeout':'8s'}";
    }

    @Test
    void checkAgainstAnAllowedServerAnswersWithTheCheckReport() throws Exception {
        var response = post(options(LoopbackPostfix.postfix.port()));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode report = new ObjectMapper().readTree(response.body());
        assertThat(report.get("result").asText()).isEqualTo("Success");
        assertThat(report.get("reason").asText()).isEqualTo("Accepted");
        JsonNode server = report.get("domains").get(0).get("servers").get(0);
        assertThat(server.get("address").asText()).isEqualTo("127.0.0.1");
        assertThat(server.get("reply").get("code").asInt()).isEqualTo(250);
        assertThat(server.get("transcript").toString()).contains("RCPT TO:<user@contoso.test>");
    }

    @Test
    void checkOutsideTheEgressPolicyIsBlockedWithoutConnecting() throws Exception {
        int connects = LoopbackPostfix.postfix.maillogLines("connect from").size();

        // Port 25 is not in this profile's allowed ports, so nothing is sent at all.
        var response = post(options(25));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode report = new ObjectMapper().readTree(response.body());
        assertThat(report.get("reason").asText()).isEqualTo("PolicyBlocked");
        assertThat(report.get("domains").get(0).get("servers").get(0).get("detail").asText()).contains("port 25");
        assertThat(LoopbackPostfix.postfix.maillogLines("connect from")).hasSize(connects);
    }

    @Test
    void callerCannotChooseTheResolver() throws Exception {
        var response = post("{'domains':['contoso.test'],'dns-server':'127.0.0.1'}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = new ObjectMapper().readTree(response.body());
        assertThat(error.get("reason").asText()).isEqualTo("InvalidInput");
        assertThat(error.get("field").asText()).isEqualTo("dns-server");
    }
}
