package io.smtpprobe.operator.rest;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API with access control on, against a fake API server that answers the reviews from a fixed
 * table of tokens and RBAC rules ({@link ReviewingApiServer}), and an engine that never leaves the process
 * ({@link HeldProbeRunner}). The real API server's answers are {@code AccessControlIT}'s.
 */
@QuarkusTest
@QuarkusTestResource(value = ReviewingApiServer.class, restrictToAnnotatedClass = true)
@TestProfile(ApiAccessControlTest.AccessControlOn.class)
class ApiAccessControlTest {

    public static class AccessControlOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("smtpprobe.operator.enabled", "false",
                    "smtpprobe.api.auth.enabled", "true",
                    "smtpprobe.api.checks.enabled", "true",
                    "smtpprobe.api.checks.rate-limit", "3",
                    "smtpprobe.api.checks.max-pending", "2");
        }

        @Override
        public Set<Class<?>> getEnabledAlternatives() {
            return Set.of(HeldProbeRunner.class);
        }
    }

    private static final String CHECK = "{\"domains\":[\"contoso.test\"]}";
    private static final String HELD = "{\"domains\":[\"held.test\"]}";

    @TestHTTPResource("/")
    URL base;

    // HTTP/1.1 as curl and kubectl proxies speak it: an h2c upgrade refused at the body limit ends in GOAWAY, not 413
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void releaseHeldProbes() {
        HeldProbeRunner.releaseAll();
    }

    @Test
    void withoutATokenEveryApiPathAndTheMetricsAnswer401WithABearerChallenge() throws Exception {
        for (String path : new String[] {"/api/v1/smtpprobes", "/api/v1/namespaces/mail/smtpprobes/x", "/q/metrics"}) {
            var response = get(path, null);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(path).hasValue("Bearer realm=\"smtp-probe-operator\"");
        }
        var post = post("/api/v1/checks", null, CHECK);
        assertThat(post.statusCode()).isEqualTo(401);
        assertThat(HeldProbeRunner.HELD).isEmpty();
    }

    @Test
    void aTokenTheApiServerDoesNotAuthenticateIs401InvalidToken() throws Exception {
        var response = get("/api/v1/smtpprobes", "made-up");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"smtp-probe-operator\", error=\"invalid_token\"");
        assertThat(get("/api/v1/smtpprobes", "").statusCode()).isEqualTo(401);
    }

    @Test
    void healthStaysOpen() throws Exception {
        assertThat(get("/q/health/live", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theDetailNeedsGetInItsNamespaceAndA403SaysWhich() throws Exception {
        var other = get("/api/v1/namespaces/other/smtpprobes/fabrikam", "token-alice");
        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.body()).contains("needs RBAC: get smtpprobes.smtpprobe.io in namespace other");
        // Allowed in "mail": past access control, to the 404 of an operator that is switched off here.
        var mail = get("/api/v1/namespaces/mail/smtpprobes/fabrikam", "token-alice");
        assertThat(mail.statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/namespaces/mail/smtpprobes/fabrikam", "token-bob").statusCode()).isEqualTo(403);
    }

    @Test
    void metricsNeedGetOnTheMetricsUrl() throws Exception {
        assertThat(get("/q/metrics", "token-alice").statusCode()).isEqualTo(403);
        var scrape = get("/q/metrics", "token-prometheus");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("jvm_");
    }

    @Test
    void checksNeedCreateOnTheChecksSubresourceAndDeliveriesTheirOwn() throws Exception {
        var bob = post("/api/v1/checks", "token-bob", CHECK);
        assertThat(bob.statusCode()).isEqualTo(403);
        assertThat(bob.body()).contains("create smtpprobes/checks.smtpprobe.io in namespace default");
        assertThat(post("/api/v1/checks", "token-alice", CHECK).statusCode()).isEqualTo(200);
        // Allowed in default only: another namespace named by the caller is another question.
        assertThat(post("/api/v1/checks?namespace=mail", "token-alice", CHECK).statusCode()).isEqualTo(403);

        String data = "{\"domains\":[\"contoso.test\"],\"data\":true}";
        var aliceData = post("/api/v1/checks", "token-alice", data);
        assertThat(aliceData.statusCode()).isEqualTo(403);
        assertThat(aliceData.body()).contains("create smtpprobes/deliveries.smtpprobe.io in namespace default");
        assertThat(post("/api/v1/checks", "token-carol", data).statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String huge = "{\"domains\":[\"" + "a".repeat(65 * 1024) + "\"]}";
        // Expect: 100-continue, as curl sends for large bodies: the server answers 413 from the
        // Content-Length alone. Without it the answer races the body upload, and a client still
        // writing when the server closes sees a reset instead of the 413.
        var request = HttpRequest.newBuilder(postRequest("/api/v1/checks", "token-carol", huge), (name, value) -> true)
                .expectContinue(true).build();
        assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(413);
    }

    @Test
    void theFourthCheckOfACallerInOneWindowIs429WithRetryAfter() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(post("/api/v1/checks", "token-rate", CHECK).statusCode()).isEqualTo(200);
        }
        var refused = post("/api/v1/checks", "token-rate", CHECK);
        assertThat(refused.statusCode()).isEqualTo(429);
        long retryAfter = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        // Another caller has a window of its own.
        assertThat(post("/api/v1/checks", "token-other", CHECK).statusCode()).isEqualTo(200);
    }

    @Test
    void aCheckBeyondThePendingBoundIs503UntilOneEnds() throws Exception {
        var first = postAsync("token-busy", HELD);
        var second = postAsync("token-busy2", HELD);
        Probes.await(() -> HeldProbeRunner.HELD.size() == 2);

        var refused = post("/api/v1/checks", "token-busy3", CHECK);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("5");

        HeldProbeRunner.releaseAll();
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(second.get().statusCode()).isEqualTo(200);
        assertThat(post("/api/v1/checks", "token-busy3", CHECK).statusCode()).isEqualTo(200);
    }

    @Test
    void aClientThatGoesAwayCancelsItsProbeAndFreesItsSlot() throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            byte[] body = HELD.getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/checks HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer token-gone\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            Probes.await(() -> HeldProbeRunner.HELD.size() == 1);
        }
        var run = HeldProbeRunner.HELD.get(0);
        Probes.await(run::isCancelled);
        // Both slots free again: two held checks are admitted.
        var a = postAsync("token-after", HELD);
        var b = postAsync("token-after2", HELD);
        Probes.await(() -> HeldProbeRunner.HELD.size() == 3);
        HeldProbeRunner.releaseAll();
        assertThat(a.get().statusCode()).isEqualTo(200);
        assertThat(b.get().statusCode()).isEqualTo(200);
    }

    @Test
    void oneTokenIsReviewedOnceWithinTheCacheTtl() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(get("/api/v1/namespaces/mail/smtpprobes/x", "token-cached").statusCode()).isEqualTo(404);
        }
        assertThat(ReviewingApiServer.TOKEN_REVIEWS.get("token-cached").get()).isEqualTo(1);
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        var request = HttpRequest.newBuilder(base.toURI().resolve(path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String json) throws Exception {
        var response = http.send(postRequest(path, token, json), HttpResponse.BodyHandlers.ofString());

        return response;
    }

    private CompletableFuture<HttpResponse<String>> postAsync(String token, String json) throws Exception {
        return http.sendAsync(postRequest("/api/v1/checks", token, json), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest postRequest(String path, String token, String json) throws Exception {
        var request = HttpRequest.newBuilder(base.toURI().resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return request.build();
    }

    /** Polls a condition for up to 10 s. */
    static final class Probes {
        static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition not met within 10 s");
                }
                Thread.sleep(20);
            }
        }
    }
}
