package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.HostPort;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerText;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The smallest proof that outbound SMTP works: a TCP connection to a known server and its 220
 * greeting, under one deadline. Nothing but {@code QUIT} is ever sent.
 */
public final class BannerCheck {
    /** A greeting line longer than this is not one worth reading on. */
    private static final int MAX_LINE = 512;

    private final Vertx vertx;

    public BannerCheck(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Null when the target greeted with 220; otherwise why not, in words, sanitised. */
    public CompletionStage<String> failure(HostPort target, Duration timeout) {
        CompletableFuture<String> result = new CompletableFuture<>();
        long deadlineMs = Math.max(1, timeout.toMillis());
        NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) Math.min(Integer.MAX_VALUE, deadlineMs)));
        long timer = vertx.setTimer(deadlineMs, id -> result.complete("no 220 greeting within " + timeout.toMillis() + " ms"));
        client.connect(target.portOr(25), target.host()).onComplete(connected -> {
            if (connected.failed()) {
                Reason reason = SocketErrors.connectReason(connected.cause());
                result.complete((reason == null ? "connect failed" : reason.name()) + ": " + ServerText.detail(String.valueOf(connected.cause().getMessage())));
                return;
            }
            NetSocket socket = connected.result();
            if (result.isDone()) {
                socket.close();
                return;
            }
            Buffer line = Buffer.buffer();
            socket.handler(bytes -> {
                line.appendBuffer(bytes);
                String text = line.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf('\n');
                if (end >= 0 || text.length() > MAX_LINE) {
                    String greeting = ServerText.sanitize((end >= 0 ? text.substring(0, end) : text).strip(), 120);
                    result.complete(greeting.startsWith("220") ? null : "greeted with '" + greeting + "' instead of 220");
                }
            });
            socket.closeHandler(v -> result.complete("closed the connection before a greeting"));
            socket.exceptionHandler(e -> result.complete("connection failed: " + ServerText.detail(String.valueOf(e.getMessage()))));
            result.whenComplete((failure, e) -> {
                if (failure == null) {
                    socket.write("QUIT\r\n");
                }
                socket.close();
            });
        });
        return result.whenComplete((failure, e) -> {
            vertx.cancelTimer(timer);
            client.close();
        });
    }
}
