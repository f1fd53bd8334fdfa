package io.smtpprobe.operator.rest;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Authenticates every {@code /api/**} request and every scrape of {@code /q/metrics} with the bearer token's
 * TokenReview, before any resource method runs; {@code /q/health/**} stays open for the kubelet. Metrics
 * are authorised here too, as kube-rbac-proxy does ({@code get} on the non-resource URL {@code /metrics});
 * the API's own permissions depend on the resource touched and are asked by {@link SmtpProbeApi}.
 */
@ApplicationScoped
public class BearerTokenFilter {
    private static final Logger LOG = Logger.getLogger(BearerTokenFilter.class);
    static final String CALLER = "smtpprobe.caller";
    /** Before RESTEasy and the metrics handler, after Quarkus's body-size check (which answers 413 first). */
    private static final int ORDER = -1;
    private static final String CHALLENGE = "Bearer realm=\"smtp-probe-operator\"";
    private static final AccessRequest METRICS = AccessRequest.nonResource("get", "/metrics");

    private record Review(Optional<Caller> caller, boolean allowed) {
    }

    @Inject
    ApiAccess access;

    void register(@Observes Router router) {
        router.route("/api/*").order(ORDER).handler(ctx -> filter(ctx, false));
        router.route("/q/metrics*").order(ORDER).handler(ctx -> filter(ctx, true));
    }

    /** The authenticated caller of this request; with access control off, an anonymous one per address. */
    static Caller caller(RoutingContext ctx) {
        Caller caller = ctx.get(CALLER);
        return caller != null ? caller : Caller.anonymous(String.valueOf(ctx.request().remoteAddress().hostAddress()));
    }

    private void filter(RoutingContext ctx, boolean metrics) {
        if (!access.enabled()) {
            ctx.next();
            return;
        }
        String token = bearerToken(ctx.request().getHeader("Authorization"));
        if (token == null) {
            unauthenticated(ctx, CHALLENGE, "a bearer token is required (Authorization: Bearer TOKEN)");
            return;
        }
        // The reviews block on the API server; the body must wait for the resource method, not be lost.
        ctx.request().pause();
        ctx.vertx().<Review>executeBlocking(() -> {
            Optional<Caller> caller = access.authenticate(token);
            return new Review(caller, caller.isPresent() && (!metrics || access.allowed(caller.get(), METRICS)));
        }, false).onComplete(review -> {
            if (review.failed()) {
                LOG.warnf("token review failed: %s", review.cause().toString());
                ApiErrors.end(ctx, 503, "ReviewUnavailable", "the API server could not review the token; retry later");
            } else if (review.result().caller().isEmpty()) {
                unauthenticated(ctx, CHALLENGE + ", error=\"invalid_token\"", "the API server does not authenticate this token");
            } else if (!review.result().allowed()) {
                ApiErrors.end(ctx, 403, "Forbidden", "needs RBAC: " + METRICS.describe());
            } else {
                ctx.put(CALLER, review.result().caller().get());
                ctx.next();
            }
            ctx.request().resume();
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
