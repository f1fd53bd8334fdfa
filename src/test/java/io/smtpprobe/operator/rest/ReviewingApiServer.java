package io.smtpprobe.operator.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake API server that answers only TokenReviews and SubjectAccessReviews, from a fixed table of
 * tokens and RBAC rules, and counts the reviews it answered (to prove the cache).
 */
public class ReviewingApiServer implements QuarkusTestResourceLifecycleManager {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** token -> user */
    static final Map<String, String> TOKENS = Map.ofEntries(
            Map.entry("token-alice", "alice"), Map.entry("token-bob", "bob"), Map.entry("token-carol", "carol"),
            Map.entry("token-prometheus", "prometheus"), Map.entry("token-rate", "rate"), Map.entry("token-other", "other"),
            Map.entry("token-busy", "busy"), Map.entry("token-busy2", "busy2"), Map.entry("token-busy3", "busy3"),
            Map.entry("token-gone", "gone"), Map.entry("token-after", "after"), Map.entry("token-after2", "after2"),
            Map.entry("token-cached", "cached"));
    private static final String CHECKS = "create smtpprobes/checks default";
    private static final String DELIVERIES = "create smtpprobes/deliveries default";
    /** user -> what RBAC allows, as "verb resource[/subresource] namespace" or "verb /path" */
    static final Map<String, Set<String>> RULES = Map.ofEntries(
            Map.entry("alice", Set.of("get smtpprobes mail", "list smtpprobes mail", CHECKS)),
            Map.entry("bob", Set.of()),
            Map.entry("carol", Set.of(CHECKS, DELIVERIES)),
            Map.entry("prometheus", Set.of("get /metrics")),
            Map.entry("rate", Set.of(CHECKS)), Map.entry("other", Set.of(CHECKS)),
            Map.entry("busy", Set.of(CHECKS)), Map.entry("busy2", Set.of(CHECKS)), Map.entry("busy3", Set.of(CHECKS)),
            Map.entry("gone", Set.of(CHECKS)), Map.entry("after", Set.of(CHECKS)), Map.entry("after2", Set.of(CHECKS)),
            Map.entry("cached", Set.of("get smtpprobes mail")));

    static final Map<String, AtomicInteger> TOKEN_REVIEWS = new ConcurrentHashMap<>();
    static final AtomicInteger ACCESS_REVIEWS = new AtomicInteger();
    static KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                .andReply(201, ReviewingApiServer::tokenReview).always();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                .andReply(201, ReviewingApiServer::accessReview).always();
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", server.url("/"),
                "quarkus.kubernetes-client.namespace", "default",
                "quarkus.kubernetes-client.trust-certs", "true");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }

    private static Object tokenReview(RecordedRequest request) {
        JsonNode review = read(request);
        String token = review.path("spec").path("token").asText();
        TOKEN_REVIEWS.computeIfAbsent(token, t -> new AtomicInteger()).incrementAndGet();
        var status = JSON.createObjectNode();
        String user = TOKENS.get(token);
        status.put("authenticated", user != null);
        if (user != null) {
            status.putObject("user").put("username", user).put("uid", "uid-" + user).putArray("groups").add("system:authenticated");
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) review).set("status", status);
        return review.toString();
    }

    private static Object accessReview(RecordedRequest request) {
        ACCESS_REVIEWS.incrementAndGet();
        JsonNode review = read(request);
        JsonNode spec = review.path("spec");
        String asked;
        if (spec.has("nonResourceAttributes")) {
            JsonNode a = spec.get("nonResourceAttributes");
            asked = a.path("verb").asText() + " " + a.path("path").asText();
        } else {
            JsonNode a = spec.get("resourceAttributes");
            String sub = a.path("subresource").asText("");
            asked = a.path("verb").asText() + " " + a.path("resource").asText() + (sub.isEmpty() ? "" : "/" + sub)
                    + " " + a.path("namespace").asText("");
            if (!a.path("group").asText().equals("smtpprobe.io")) {
                asked = "wrong group " + asked;
            }
        }
        boolean allowed = RULES.getOrDefault(spec.path("user").asText(), Set.of()).contains(asked.trim());
        ((com.fasterxml.jackson.databind.node.ObjectNode) review).putObject("status").put("allowed", allowed);
        return review.toString();
    }

    private static JsonNode read(RecordedRequest request) {
        try {
            return JSON.readTree(request.getUtf8Body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
