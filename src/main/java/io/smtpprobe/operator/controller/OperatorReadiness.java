package io.smtpprobe.operator.controller;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the SDK's informers have listed and are watching: before that, the REST API would answer from a partial view. */
@Readiness
@ApplicationScoped
public class OperatorReadiness implements HealthCheck {
    @Inject
    OperatorLifecycle lifecycle;

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("smtpprobe-operator");
        if (!lifecycle.enabled()) {
            return builder.up().withData("operator", "disabled").build();
        }
        var runtime = lifecycle.runtime();
        boolean watching = runtime.map(OperatorRuntime::isWatching).orElse(false);
        return builder.status(watching)
                .withData("watching", watching)
                .withData("leader", runtime.map(OperatorRuntime::isLeader).orElse(false))
                .build();
    }
}
