package io.smtpprobe.operator;

import io.smtpprobe.api.SmtpProbe;
import io.smtpprobe.api.SmtpProbeSpec;
import io.smtpprobe.api.SmtpProbeStatus;
import io.smtpprobe.probe.ProbeReport;
import io.smtpprobe.probe.ProbeRunner;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Read-only view of the probes plus, when enabled, ad-hoc checks. Ad-hoc checks let any caller
 * make the operator connect to arbitrary mail servers, so they are off unless configured.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class SmtpProbeApi {
    @Inject
    OperatorLifecycle lifecycle;
    @Inject
    ProbeRunner runner;

    @ConfigProperty(name = "smtpprobe.api.checks.enabled", defaultValue = "false")
    boolean checksEnabled;

    public record Summary(String namespace, String name, List<String> domains, List<String> servers, String result,
            String reason, String message, String lastProbeTime) {
    }

    public record Detail(String namespace, String name, Long generation, SmtpProbeSpec spec, SmtpProbeStatus status,
            Latest latest) {
    }

    /** The last full report, transcripts included, as kept in memory since this replica probed it. */
    public record Latest(Instant time, long generation, ProbeReport report) {
    }

    @GET
    @Path("/smtpprobes")
    public List<Summary> list() {
        return operator().known().stream()
                .sorted(Comparator.comparing((SmtpProbe p) -> p.getMetadata().getNamespace()).thenComparing(p -> p.getMetadata().getName()))
                .map(SmtpProbeApi::summary)
                .toList();
    }

    @GET
    @Path("/namespaces/{namespace}/smtpprobes/{name}")
    public Detail get(@PathParam("namespace") String namespace, @PathParam("name") String name) {
        var probe = operator().get(namespace, name);
        if (probe == null) {
            throw new NotFoundException();
        }
        var latest = lifecycle.results().get(namespace, name)
                .map(l -> new Latest(l.time(), l.generation(), l.report()))
                .orElse(null);
        return new Detail(namespace, name, probe.getMetadata().getGeneration(), probe.getSpec(), probe.getStatus(), latest);
    }

    @POST
    @Path("/checks")
    public CompletionStage<Response> check(SmtpProbeSpec spec) {
        if (!checksEnabled) {
            throw new NotFoundException();
        }
        ProbePlan plan;
        try {
            plan = lifecycle.mapper().map(spec);
        } catch (InvalidSpecException e) {
            return CompletableFuture.completedFuture(Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("reason", "InvalidSpec", "problems", e.problems())).build());
        }
        return runner.run(plan.request()).thenApply(report -> Response.ok(report).build());
    }

    private SmtpProbeOperator operator() {
        return lifecycle.operator().orElseThrow(() -> new NotFoundException("operator is disabled"));
    }

    private static Summary summary(SmtpProbe p) {
        var spec = p.getSpec();
        var status = p.getStatus();
        return new Summary(p.getMetadata().getNamespace(), p.getMetadata().getName(),
                spec == null || spec.getDomains() == null ? List.of() : spec.getDomains(),
                spec == null || spec.getServers() == null ? List.of() : spec.getServers(),
                status == null || status.result() == null ? null : status.result().name(),
                status == null ? null : status.reason(),
                status == null ? null : status.message(),
                status == null ? null : status.lastProbeTime());
    }
}
