package io.smtpprobe.operator.page;

import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.api.v1alpha1.SmtpProbe;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.operator.controller.OperatorLifecycle;
import io.smtpprobe.operator.controller.ResourceKey;
import io.smtpprobe.operator.page.Views.Choice;
import io.smtpprobe.operator.page.Views.ProbeRow;
import io.smtpprobe.operator.rest.ViewerAccess;
import io.smtpprobe.operator.rest.ViewerAccess.Viewer;
import io.smtpprobe.operator.status.Timestamps;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The status page: an overview of the SmtpProbes the viewer may read and a page per resource, rendered
 * on the server from Qute templates (HTML-escaped by default: server text is shown as text). Each page
 * has a fragment URL that page.js fetches to refresh without a reload; without JavaScript the Refresh
 * link does the same. Access is the REST API's ({@link ViewerAccess}): the overview lists what
 * {@code GET /api/v1/smtpprobes} would, a resource page needs what its API detail needs.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
@Blocking
public class StatusPage {
    static final int DEFAULT_REFRESH_SECONDS = 15;
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    static final String NOT_PROBED = "NotProbed";

    @Inject
    OperatorLifecycle lifecycle;
    @Inject
    ViewerAccess access;
    @Inject
    Template overview;
    @Inject
    Template overviewTable;
    @Inject
    Template detail;
    @Inject
    Template detailBody;
    @Inject
    Template login;
    @Inject
    Template message;

    /** A viewer, or the page to answer instead (the login form, an error). */
    private record Session(Viewer viewer, Response refusal) {
    }

    @GET
    public Response overview(@Context HttpHeaders headers, @QueryParam("namespace") String namespace,
            @QueryParam("result") String result, @QueryParam("refresh") Integer refresh) {
        var session = session(headers, false);
        return session.refusal() != null ? session.refusal() : page(overviewData(overview, session.viewer(), namespace, result, refresh));
    }

    @GET
    @Path("fragments/overview")
    public Response overviewFragment(@Context HttpHeaders headers, @QueryParam("namespace") String namespace,
            @QueryParam("result") String result) {
        var session = session(headers, true);
        return session.refusal() != null ? session.refusal()
                : page(overviewData(overviewTable, session.viewer(), namespace, result, null));
    }

    @GET
    @Path("probes/{namespace}/{name}")
    public Response detail(@Context HttpHeaders headers, @PathParam("namespace") String namespace, @PathParam("name") String name,
            @QueryParam("refresh") Integer refresh) {
        return detailOf(detail, headers, namespace, name, refresh, false);
    }

    @GET
    @Path("fragments/probes/{namespace}/{name}")
    public Response detailFragment(@Context HttpHeaders headers, @PathParam("namespace") String namespace,
            @PathParam("name") String name) {
        return detailOf(detailBody, headers, namespace, name, null, true);
    }

    @GET
    @Path("login")
    public Response loginForm() {
        if (!access.enabled()) {
            return seeOther("/");
        }
        return page(login.data("error", null).data("viewer", null), 200);
    }

    /** Reviews the token before keeping it: a token the API server refuses never becomes a cookie. */
    @POST
    @Path("login")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@Context HttpServerRequest request, @FormParam("token") String token) {
        if (!access.enabled()) {
            return seeOther("/");
        }
        if (!PageSession.sameOrigin(request)) {
            return problem(403, "Not allowed", "A sign-in must come from this page's own form.", null);
        }
        String trimmed = token == null ? "" : token.strip();
        if (!PageSession.wellFormed(trimmed)) {
            return page(login.data("error", "That is not a bearer token.").data("viewer", null), 400);
        }
        Optional<Viewer> viewer;
        try {
            viewer = access.authenticate(trimmed);
        } catch (ViewerAccess.ReviewUnavailableException e) {
            return problem(503, "Try again later", e.getMessage(), null);
        }
        if (viewer.isEmpty()) {
            return page(login.data("error", "The API server does not authenticate this token.").data("viewer", null), 401);
        }
        boolean secure = "https".equalsIgnoreCase(request.scheme())
                || "https".equalsIgnoreCase(request.getHeader("X-Forwarded-Proto"));
        return Response.seeOther(URI.create("/")).header("Set-Cookie", PageSession.setCookie(trimmed, secure)).build();
    }

    @POST
    @Path("logout")
    public Response logout(@Context HttpServerRequest request) {
        if (!PageSession.sameOrigin(request)) {
            return problem(403, "Not allowed", "A sign-out must come from this page's own form.", null);
        }
        return Response.seeOther(URI.create(access.enabled() ? "/login" : "/")).header("Set-Cookie", PageSession.clearCookie()).build();
    }

    private Response detailOf(Template template, HttpHeaders headers, String namespace, String name, Integer refresh,
            boolean fragment) {
        var session = session(headers, fragment);
        if (session.refusal() != null) {
            return session.refusal();
        }
        // Asked before the lookup, as the API does, so that "not found" says nothing about an unreadable namespace.
        var missing = access.missingToGet(session.viewer(), namespace);
        if (missing.isPresent()) {
            return problem(403, "Not allowed", missing.get(), session.viewer());
        }
        var probe = NAME.matcher(namespace).matches() && NAME.matcher(name).matches()
                ? lifecycle.catalog().flatMap(c -> c.get(ResourceKey.of(namespace, name))) : Optional.<SmtpProbe>empty();
        if (probe.isEmpty()) {
            return problem(404, "Not found", "No SmtpProbe " + namespace + "/" + name + " is known to the operator.", session.viewer());
        }
        var status = probe.get().getStatus() == null ? SmtpProbeStatus.builder().build() : probe.get().getStatus();
        var domains = status.domains() == null ? List.<io.smtpprobe.api.v1alpha1.DomainStatus>of() : status.domains();
        int columns = ProbeViews.columns(domains);
        var latest = lifecycle.results().get(ResourceKey.of(namespace, name));
        String self = ProbeViews.detailPath(namespace, name);
        return page(template.data("probe", ProbeViews.row(probe.get()))
                .data("status", status)
                .data("columns", columns)
                .data("colspan", columns + 1)
                .data("matrix", ProbeViews.matrix(domains, columns))
                .data("transcripts", ProbeViews.transcripts(latest.map(l -> l.report()).orElse(null)))
                .data("transcriptTime", latest.map(l -> Timestamps.format(l.time())).orElse(null))
                .data("selfHref", self)
                .data("fragmentHref", "/fragments" + self)
                .data("refreshSeconds", refreshSeconds(refresh))
                .data("generatedAt", Timestamps.format(Instant.now()))
                .data("viewer", viewerName(session.viewer())));
    }

    private TemplateInstance overviewData(Template template, Viewer viewer, String namespace, String result, Integer refresh) {
        var all = lifecycle.catalog().map(c -> c.list()).orElse(List.of());
        Set<String> readable = access.readableNamespaces(viewer,
                all.stream().map(p -> p.getMetadata().getNamespace()).collect(Collectors.toSet()));
        var visible = all.stream().filter(p -> readable.contains(p.getMetadata().getNamespace()))
                .sorted(Comparator.comparing((SmtpProbe p) -> p.getMetadata().getNamespace()).thenComparing(p -> p.getMetadata().getName()))
                .map(ProbeViews::row).toList();
        String ns = namespace != null && readable.contains(namespace) ? namespace : null;
        String res = result != null && results().contains(result) ? result : null;
        var rows = visible.stream().filter(r -> ns == null || ns.equals(r.namespace()))
                .filter(r -> res == null || res.equals(r.result() == null ? NOT_PROBED : r.result())).toList();
        String query = query(ns, res);
        return template.data("rows", rows)
                .data("total", visible.size())
                .data("filtered", ns != null || res != null)
                .data("namespaces", new TreeSet<>(readable).stream().map(n -> new Choice(n, n, n.equals(ns))).toList())
                .data("results", results().stream().map(r -> new Choice(r, NOT_PROBED.equals(r) ? "Not probed yet" : r, r.equals(res))).toList())
                .data("operatorEnabled", lifecycle.catalog().isPresent())
                .data("selfHref", "/" + query)
                .data("fragmentHref", "/fragments/overview" + query)
                .data("refreshSeconds", refreshSeconds(refresh))
                .data("generatedAt", Timestamps.format(Instant.now()))
                .data("viewer", viewerName(viewer));
    }

    private static List<String> results() {
        return Stream.concat(Stream.of(Outcome.values()).map(Enum::name), Stream.of(NOT_PROBED)).toList();
    }

    private static String query(String namespace, String result) {
        var parts = Stream.of(namespace == null ? null : "namespace=" + namespace, result == null ? null : "result=" + result)
                .filter(p -> p != null).toList();
        return parts.isEmpty() ? "" : "?" + String.join("&", parts);
    }

    /** Bounded, so that a crafted link cannot make the page hammer the operator. */
    static int refreshSeconds(Integer requested) {
        return requested == null ? DEFAULT_REFRESH_SECONDS : Math.max(2, Math.min(300, requested));
    }

    private Session session(HttpHeaders headers, boolean fragment) {
        if (!access.enabled()) {
            return new Session(access.anonymous(), null);
        }
        String token = PageSession.token(headers);
        if (token == null) {
            // A fragment is fetched by page.js, which reloads the page on 401 and lands on the login form.
            return new Session(null, fragment ? Response.status(401).build() : seeOther("/login"));
        }
        try {
            var viewer = access.authenticate(token);
            if (viewer.isEmpty()) {
                Response refusal = fragment ? Response.status(401).build()
                        : Response.fromResponse(page(login.data("error", "The API server no longer authenticates your token: sign in again.")
                                .data("viewer", null), 401)).header("Set-Cookie", PageSession.clearCookie()).build();
                return new Session(null, refusal);
            }
            return new Session(viewer.get(), null);
        } catch (ViewerAccess.ReviewUnavailableException e) {
            return new Session(null, problem(503, "Try again later", e.getMessage(), null));
        }
    }

    private String viewerName(Viewer viewer) {
        return access.enabled() && viewer != null ? viewer.username() : null;
    }

    private Response problem(int status, String title, String text, Viewer viewer) {
        return page(message.data("title", title).data("text", text).data("viewer", viewerName(viewer)), status);
    }

    private static Response page(TemplateInstance instance) {
        return page(instance, 200);
    }

    /**
     * Every page forbids what it does not need: scripts and styles from this origin only (no inline
     * script, so injected markup could not run even if escaping failed), no framing, no caching of a
     * viewer's data, no referrer.
     */
    static Response page(TemplateInstance instance, int status) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(instance.render())
                .header("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
                        + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-store")
                .build();
    }

    private static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }
}
