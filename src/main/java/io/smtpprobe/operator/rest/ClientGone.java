package io.smtpprobe.operator.rest;

import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.CompletableFuture;

/**
 * Work for a client that went away is wasted work: when the connection closes before the answer is
 * written, the work is cancelled (the probe run then frees its admission slot and starts no waiting retry).
 */
final class ClientGone {
    private ClientGone() {
    }

    static void cancelOnClose(RoutingContext ctx, CompletableFuture<?> work) {
        // The end handler fails when the connection closed before the response ended; it also fires after a
        // normal end, when cancelling is a no-op.
        ctx.addEndHandler(ended -> {
            if (ended.failed()) {
                work.cancel(true);
            }
        });
        if (ctx.response().closed()) {
            work.cancel(true);
        }
    }
}
