package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.operator.config.OperatorConfig;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A CRUD fake of the Kubernetes API on loopback per test, with the committed CRD installed, and the
 * operators a test starts stopped after it. The operators are the production {@link OperatorRuntime}.
 */
final class MockCluster implements BeforeEachCallback, AfterEachCallback {
    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
    private KubernetesMockServer server;
    private KubernetesClient client;

    @Override
    public void beforeEach(ExtensionContext context) {
        server = start();
        client = server.createClient();
        prepare(server, client);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            while (!cleanup.isEmpty()) {
                cleanup.pop().close();
            }
        } finally {
            client.close();
            server.destroy();
        }
    }

    /** A mock API server that serves both recorded expectations and CRUD. */
    static KubernetesMockServer start() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        var server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    /**
     * What a real API server has that the mock lacks: the CRD, and an answer to the SDK's check that
     * this user may manage Leases (a SelfSubjectRulesReview, which the CRUD mock would only echo).
     */
    static void prepare(KubernetesMockServer server, KubernetesClient client) {
        try (var in = new FileInputStream("crds/smtpprobes.smtpprobe.io-v1.yml")) {
            client.apiextensions().v1().customResourceDefinitions().load(in).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewStatus().withIncomplete(false)
                        .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io")
                                .withResources("leases").withVerbs("*").build())
                        .endStatus().build())
                .always();
    }

    KubernetesClient client() {
        return client;
    }

    KubernetesMockServer server() {
        return server;
    }

    /** Closed after the test, before the API server goes, the latest first. */
    <T extends AutoCloseable> T closeAfter(T closeable) {
        cleanup.push(closeable);
        return closeable;
    }

    /** The production operator, started against {@code on}; returns once its informers are watching. */
    OperatorRuntime operator(KubernetesClient on, ProbeRunner runner, OperatorConfig config, MeterRegistry registry) {
        var operator = closeAfter(new OperatorRuntime(on, runner, config, registry, () -> { }));
        operator.start();
        Probes.await(operator::isWatching);
        return operator;
    }
}
