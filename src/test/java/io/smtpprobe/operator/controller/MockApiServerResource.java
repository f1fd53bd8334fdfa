package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/** A CRUD fake of the Kubernetes API on loopback, with the committed CRD installed, for the whole application. */
public class MockApiServerResource implements QuarkusTestResourceLifecycleManager {
    static KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (var client = server.createClient(); var in = new FileInputStream("crds/smtpprobes.smtpprobe.io-v1.yml")) {
            client.apiextensions().v1().customResourceDefinitions().load(in).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", server.url("/"),
                "quarkus.kubernetes-client.namespace", "default",
                "quarkus.kubernetes-client.trust-certs", "true",
                "smtpprobe.leader-election.enabled", "true",
                "smtpprobe.leader-election.namespace", "default",
                "smtpprobe.leader-election.lease-duration", "2s",
                "smtpprobe.leader-election.renew-deadline", "1500ms",
                "smtpprobe.leader-election.retry-period", "200ms");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }
}
