package io.smtpprobe.operator.discovery;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smtpprobe.operator.config.OperatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;

/** Runs discovery beside the operator when {@code smtpprobe.discovery.enabled} is set, in the namespaces it watches. */
@ApplicationScoped
public class DiscoveryLifecycle {
    @Inject
    KubernetesClient client;
    @Inject
    OperatorConfig operatorConfig;
    @Inject
    DiscoveryConfig config;

    private volatile DiscoveryController controller;

    void onStart(@Observes StartupEvent event) {
        if (!operatorConfig.operator().enabled() || !config.enabled()) {
            return;
        }
        var started = DiscoveryController.forCluster(client, config, operatorConfig.watchNamespaces().orElse(List.of()));
        controller = started;
        started.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        var running = controller;
        if (running != null) {
            running.close();
        }
    }
}
