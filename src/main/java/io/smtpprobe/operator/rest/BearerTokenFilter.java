package io.smtpprobe.operator.rest;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.smtpprobe.operator.config.OperatorConfig;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Guards every {@code /api/**} request and every scrape of {@code /q/metrics}: without a bearer token, 401
 * before anything else runs; {@code /q/health/**} stays open for the kubelet. A scrape (no body) is
 * reviewed here, as kube-rbac-proxy does ({@code get} on the non-resource URL {@code /metrics}). An API
 * request's token is reviewed by {@link SmtpProbeApi} on its worker thread ({@link #caller}): reviewing
 * here would pause the request, and RESTEasy takes a body that fully arrived during the pause for an
 * empty one.
 */
@ApplicationScoped
public class BearerTokenFilter {
    private static final Logger LOG = Logger.getLogger(BearerTokenFilter.class);
    static final String CALLER = "smtpprobe.caller";
    private static final String TOKEN = "smtpprobe.token";
    /** Before RESTEasy and the metrics handler, after Quarkus's body-size check (which answers 413 first). */
    private static final int ORDER = -1;
    private static final String CHALLENGE = "Bearer realm=\"smtp-probe-operator\"";
    private static final String INVALID_TOKEN = CHALLENGE + ", error=\"invalid_token\"";
    private static final String TOKEN_REQUIRED = "a bearer token is required (Authorization: Bearer TOKEN)";
    private static final String NOT_AUTHENTICATED = "the API server does not authenticate this token";
    private static final String REVIEW_FAILED = "the API server could not review the token; retry later";
    private static final AccessRequest METRICS = AccessRequest.nonResource("get", "/metrics");

    private record Review(Optional<Caller> caller, boolean allowed) {
    }

    @Inject
    ApiAccess access;
    @Inject
    OperatorConfig config;

    void register(@Observes Router router) {
        router.route("/api/*").order(ORDER).handler(this::api);
        router.route("/q/metrics*").order(ORDER).handler(this::metrics);
    }

    /**
     * The authenticated caller of this request (blocks on a TokenReview unless cached: worker threads only);
     * with access control off, an anonymous one per client address.
     */
    static Caller caller(RoutingContext ctx, ApiAccess access) {
        if (!access.enabled()) {
            return Caller.anonymous(String.valueOf(ctx.request().remoteAddress().hostAddress()));
        }
        Caller known = ctx.get(CALLER);
        if (known != null) {
            return known;
        }
        Optional<Caller> caller;
        try {
            caller = access.authenticate(ctx.get(TOKEN));
        } catch (RuntimeException e) {
            LOG.warnf("token review failed: %s", e.toString());
            throw new WebApplicationException(ApiErrors.response(503, "ReviewUnavailable", REVIEW_FAILED));
        }
        if (caller.isEmpty()) {
            throw new WebApplicationException(Response.fromResponse(ApiErrors.response(401, "Unauthenticated", NOT_AUTHENTICATED))
                    .header("WWW-Authenticate", INVALID_TOKEN).build());
        }
        ctx.put(CALLER, caller.get());
        return caller.get();
    }

    private void api(RoutingContext ctx) {
        if (!access.enabled()) {
            ctx.next();
            return;
        }
        String token = bearerToken(ctx.request().getHeader("Authorization"));
        if (token == null) {
            unauthenticated(ctx, CHALLENGE, TOKEN_REQUIRED);
            return;
        }
        ctx.put(TOKEN, token);
        ctx.next();
    }

    private void metrics(RoutingContext ctx) {
        if (!access.enabled() || !config.api().auth().metrics()) {
            ctx.next();
            return;
        }
        String token = bearerToken(ctx.request().getHeader("Authorization"));
        if (token == null) {
            unauthenticated(ctx, CHALLENGE, TOKEN_REQUIRED);
            return;
        }
        ctx.vertx().<Review>executeBlocking(() -> {
            Optional<Caller> caller = access.authenticate(token);
            return new Review(caller, caller.isPresent() && access.allowed(caller.get(), METRICS));
        }, false).onComplete(review -> {
            if (review.failed()) {
                LOG.warnf("token review failed: %s", review.cause().toString());
                ApiErrors.end(ctx, 503, "ReviewUnavailable", REVIEW_FAILED);
            } else if (review.result().caller().isEmpty()) {
                unauthenticated(ctx, INVALID_TOKEN, NOT_AUTHENTICATED);
            } else if (!review.result().allowed()) {
                ApiErrors.end(ctx, 403, "Forbidden", "needs RBAC: " + METRICS.describe());
            } else {
                ctx.next();
            }
        });
    }

    /** RFC 6750: the scheme is case-insensitive; anything else than one non-empty token is no token. */
    static String bearerToken(String header) {
        if (header == null || header.length() <= 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() || token.contains(" ") ? null : token;
    }

    private static void unauthenticated(RoutingContext ctx, String challenge, String message) {
        ctx.response().putHeader("WWW-Authenticate", challenge);
        ApiErrors.end(ctx, 401, "Unauthenticated", message);
    }

    static JsonObject body(String reason, String message) {
        return new JsonObject().put("reason", reason).put("message", message);
    }
}
