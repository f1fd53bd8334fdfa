package io.smtpprobe.operator.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The API's refusals, one JSON shape for all: {@code reason} (a stable word) and {@code message}. */
final class ApiErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiErrors() {
    }

    static Response response(int status, String reason, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(JSON.createObjectNode().put("reason", reason).put("message", message)).build();
    }

    static Response forbidden(AccessRequest request) {
        return response(403, "Forbidden", "needs RBAC: " + request.describe());
    }

    /** For the Vert.x filter, which answers before any resource method. */
    static void end(RoutingContext ctx, int status, String reason, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", MediaType.APPLICATION_JSON)
                .end(BearerTokenFilter.body(reason, message).encode());
    }
}
