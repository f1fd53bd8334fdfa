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
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.report.ReportJson;
import io.smallrye.common.annotation.Blocking;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Read-only view of the probes plus, when enabled, ad-hoc checks. Reports use the JSON contract of
 * {@code check --json} ({@link ReportJson}), so one parser reads both. Ad-hoc checks let any caller
 * make the operator connect to mail servers, so they are off unless configured, and they go
 * through the operator's own resolver and egress policy.
 *
 * <p>With {@code smtpprobe.api.auth.enabled}, {@link BearerTokenFilter} has refused requests without a token;
 * each method here has the token reviewed and asks RBAC about what it touches ({@link ApiAccess}). The
 * reviews block, so every method runs on a worker thread.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class SmtpProbeApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    @Inject
    OperatorLifecycle lifecycle;
    @Inject
    ProbeRunner runner;

    @Inject
    OperatorConfig config;
    @Inject
    ApiAccess access;

    private CheckAdmission admission;

    @PostConstruct
    void limits() {
        var checks = config.api().checks();
        admission = new CheckAdmission(checks.rateLimit(), checks.rateWindow(), checks.maxPending(), System::nanoTime);
    }

    /** The verdict stored in a resource's status. */
    public record Summary(String namespace, String name, String result, String reason, String message, String lastProbeTime) {
    }

    @GET
    @Path("/smtpprobes")
    public List<Summary> list(@Context RoutingContext ctx) {
        Caller caller = BearerTokenFilter.caller(ctx, access);
        var probes = operator().list();
        Set<String> readable = access.readableNamespaces(caller,
                probes.stream().map(p -> p.getMetadata().getNamespace()).collect(Collectors.toSet()));
        return probes.stream()
                .filter(p -> readable.contains(p.getMetadata().getNamespace()))
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
    public Response get(@Context RoutingContext ctx, @PathParam("namespace") String namespace, @PathParam("name") String name) {
        // Asked before the lookup, so that a 404 tells nothing about a namespace the caller may not read.
        var read = AccessRequest.probes("get", namespace);
        if (!access.allowed(BearerTokenFilter.caller(ctx, access), read)) {
            return ApiErrors.forbidden(read);
        }
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

    /**
     * Takes the {@code check} command's options as JSON (see {@link AdHocCheck}) and answers with its report.
     * In order: RBAC {@code create smtpprobes/checks} in the namespace (403), the caller's rate (429), the
     * input (400), RBAC {@code create smtpprobes/deliveries} when it asks for DATA (403), a pending slot
     * (503). A client that goes away cancels its probe.
     */
    @POST
    @Path("/checks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public CompletionStage<Response> check(@Context RoutingContext ctx, @QueryParam("namespace") String namespace, JsonNode options) {
        if (!config.api().checks().enabled()) {
            throw new NotFoundException();
        }
        Caller caller = BearerTokenFilter.caller(ctx, access);
        String ns = namespace == null ? config.api().checks().namespace() : namespace;
        if (!NAMESPACE.matcher(ns).matches()) {
            return invalidInput("namespace", "not a namespace name (RFC 1123 label)");
        }
        var checks = AccessRequest.subresource(AccessRequest.CHECKS, ns);
        if (!access.allowed(caller, checks)) {
            return CompletableFuture.completedFuture(ApiErrors.forbidden(checks));
        }
        var tooMany = admission.rate(caller.rateKey());
        if (tooMany.isPresent()) {
            return refused(tooMany.get());
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
        var deliveries = AccessRequest.subresource(AccessRequest.DELIVERIES, ns);
        if (request.request().options().data() != null && !access.allowed(caller, deliveries)) {
            return CompletableFuture.completedFuture(ApiErrors.forbidden(deliveries));
        }
        var busy = admission.acquire();
        if (busy.isPresent()) {
            return refused(busy.get());
        }
        CompletableFuture<ProbeReport> run;
        try {
            run = runner.run(request.request()).toCompletableFuture();
        } catch (RuntimeException e) {
            admission.release();
            throw e;
        }
        run.whenComplete((r, e) -> admission.release());
        // The run itself, not a stage derived from it: only cancelling the run reaches the engine.
        ClientGone.cancelOnClose(ctx, run);
        return run.thenApply(report -> Response.ok(ReportJson.report(report, request.expectation(), true)).build());
    }

    private static CompletionStage<Response> refused(CheckAdmission.Refusal refusal) {
        Response response = Response.fromResponse(ApiErrors.response(refusal.status(), refusal.reason(), refusal.message()))
                .header("Retry-After", Long.toString(refusal.retryAfterSeconds())).build();
        return CompletableFuture.completedFuture(response);
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
