package io.smtpprobe.operator.controller;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A CRUD fake of the Kubernetes API on loopback, with the committed CRD installed, for the whole application. */
public class MockApiServerResource implements QuarkusTestResourceLifecycleManager {
    static KubernetesMockServer server;

    @Override
    public Map<String, String> start() {
        server = MockCluster.start();
        try (var client = server.createClient()) {
            MockCluster.prepare(server, client);
        }
        return Map.of(
                "quarkus.kubernetes-client.api-server-url", server.url("/"),
                "quarkus.kubernetes-client.namespace", "default",
                "quarkus.kubernetes-client.trust-certs", "true",
                "smtpprobe.leader-election.enabled", "true",
                "smtpprobe.leader-election.namespace", "default",
                // long enough that the lease watchdog sees a renewal in time on a loaded machine
                "smtpprobe.leader-election.lease-duration", "6s",
                "smtpprobe.leader-election.renew-deadline", "4s",
                "smtpprobe.leader-election.retry-period", "200ms");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.destroy();
        }
    }
}
