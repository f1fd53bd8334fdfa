package io.smtpprobe.operator.rest;

import io.smtpprobe.operator.status.Timestamps;
import io.smtpprobe.operator.config.OperatorConfig;
import io.smtpprobe.operator.controller.OperatorLifecycle;
import io.smtpprobe.operator.controller.ResourceKey;
import io.smtpprobe.operator.controller.SmtpProbeCatalog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.request.InvalidInputException;
import io.smtpprobe.request.InvalidRequestException;
import io.smtpprobe.request.ValidatedRequest;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.report.ReportJson;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Read-only view of the probes plus, when enabled, ad-hoc checks. Reports use the JSON contract of
 * {@code check --json} ({@link ReportJson}), so one parser reads both. Ad-hoc checks let any caller
 * make the operator connect to mail servers, so they are off unless configured, and they go
 * through the operator's own resolver and egress policy.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class SmtpProbeApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    OperatorLifecycle lifecycle;
    @Inject
    ProbeRunner runner;

    @Inject
    OperatorConfig config;

    /** The verdict stored in a resource's status. */
    public record Summary(String namespace, String name, String result, String reason, String message, String lastProbeTime) {
    }

    @GET
    @Path("/smtpprobes")
    public List<Summary> list() {
        return operator().list().stream()
                .sorted(Comparator.comparing((SmtpProbe p) -> p.getMetadata().getNamespace()).thenComparing(p -> p.getMetadata().getName()))
                .map(SmtpProbeApi::summary)
                .toList();
    }

    /**
     * The last full report, transcripts included, with the resource it belongs to. Reports live in
     * the memory of the replica that probed (transcripts are too large for etcd), so another
     * replica, or this one before its first probe, answers 404 while status still holds the verdict.
     */
    @GET
    @Path("/namespaces/{namespace}/smtpprobes/{name}")
    public Response get(@PathParam("namespace") String namespace, @PathParam("name") String name) {
        var key = ResourceKey.of(namespace, name);
        if (operator().get(key).isEmpty()) {
            throw new NotFoundException();
        }
        var latest = lifecycle.results().get(key);
        if (latest.isEmpty()) {
            return Response.status(Response.Status.NOT_FOUND).entity(JSON.createObjectNode()
                    .put("namespace", namespace).put("name", name)
                    .put("message", "no report held by this replica yet; .status holds the last verdict")).build();
        }
        var l = latest.get();
        ObjectNode body = JSON.createObjectNode()
                .put("namespace", l.namespace())
                .put("name", l.name())
                .put("generation", l.generation())
                .put("probedAt", Timestamps.format(l.time()));
        body.setAll(ReportJson.report(l.report(), true));
        return Response.ok(body).build();
    }

    /** Takes the {@code check} command's options as JSON (see {@link AdHocCheck}) and answers with its report. */
    @POST
    @Path("/checks")
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletionStage<Response> check(JsonNode options) {
        if (!config.api().checks().enabled()) {
            throw new NotFoundException();
        }
        ValidatedRequest request;
        try {
            request = AdHocCheck.request(options);
        } catch (InvalidInputException e) {
            return invalidInput(e.field(), e.getMessage());
        } catch (InvalidRequestException e) {
            var first = e.problems().get(0);
            return invalidInput(first.fieldName(AdHocCheck::key), String.join("; ", e.render(AdHocCheck::key)));
        }
        return runner.run(request.request())
                .thenApply(report -> Response.ok(ReportJson.report(report, request.expectation(), true)).build());
    }

    private static CompletionStage<Response> invalidInput(String field, String message) {
        return CompletableFuture.completedFuture(Response.status(Response.Status.BAD_REQUEST).entity(JSON.createObjectNode()
                .put("reason", "InvalidInput").put("field", field).put("message", message)).build());
    }

    private SmtpProbeCatalog operator() {
        return lifecycle.catalog().orElseThrow(() -> new NotFoundException("operator is disabled"));
    }

    private static Summary summary(SmtpProbe p) {
        var status = p.getStatus();
        return new Summary(p.getMetadata().getNamespace(), p.getMetadata().getName(),
                status == null || status.result() == null ? null : status.result().name(),
                status == null ? null : status.reason(),
                status == null ? null : status.message(),
                status == null ? null : status.lastProbeTime());
    }
}
