package io.smtpprobe.operator.controller;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the informer caches are synced and watching: before that, the REST API would answer from a partial view. */
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
        var operator = lifecycle.operator();
        boolean watching = operator.map(SmtpProbeOperator::isWatching).orElse(false);
        return builder.status(watching)
                .withData("watching", watching)
                .withData("leader", operator.map(SmtpProbeOperator::isLeader).orElse(false))
                .build();
    }
}
