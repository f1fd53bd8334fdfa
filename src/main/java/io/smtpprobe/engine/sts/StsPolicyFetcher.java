package io.smtpprobe.engine.sts;

import io.smtpprobe.core.ServerText;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * Fetches {@code https://mta-sts.DOMAIN/.well-known/mta-sts.txt} as RFC 8461 §3.3 says: WebPKI-valid
 * certificate for that name, status 200 only (redirects are not followed), {@code text/plain},
 * within a size and a time limit. Connects to exactly the address the caller resolved and checked
 * against the egress policy; the name goes into SNI, the Host header and the certificate check.
 * Non-blocking: every step runs on Vert.x, the deadline is a timer.
 */
public final class StsPolicyFetcher {
    static final String PATH = "/.well-known/mta-sts.txt";

    private final Vertx vertx;
    private final StsSettings settings;
    /**
     * One client for all fetches, so its TLS context is built once; made at the first fetch, as
     * reading the JVM's trust store is a large share of a one-shot check that fetches nothing.
     */
    private volatile HttpClient client;
    private volatile RecordingTrustManager trust;

    public StsPolicyFetcher(Vertx vertx, StsSettings settings) {
        this.vertx = vertx;
        this.settings = settings;
    }

    private HttpClient client() {
        HttpClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    trust = new RecordingTrustManager(settings.trust() != null ? settings.trust()
                            : RecordingTrustManager.jvmDefault());
                    c = vertx.createHttpClient(new HttpClientOptions()
                            .setSsl(true).setVerifyHost(true).setForceSni(true)
                            .setTrustOptions(TrustOptions.wrap(trust))
                            .setKeepAlive(false));
                    client = c;
                }
            }
        }
        return c;
    }

    public CompletionStage<PolicyFetch> fetch(String asciiDomain, InetAddress address) {
        String host = "mta-sts." + asciiDomain;
        long timeoutMs = settings.fetchTimeout().toMillis();
        HttpClient http = client();
        trust.forget(host);
        Promise<PolicyFetch> result = Promise.promise();
        long timer = vertx.setTimer(timeoutMs, id -> result.tryComplete(PolicyFetch.fetchError(
                "no complete answer from " + host + " within " + timeoutMs + " ms")));
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(host)
                .setPort(settings.httpsPort())
                .setURI(PATH)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, settings.httpsPort())))
                .setFollowRedirects(false)
                .setConnectTimeout(timeoutMs);
        Future<HttpClientRequest> request = http.request(options);
        request.compose(r -> {
                    // failures arrive through the send future and the timer; this only keeps Vert.x from logging them
                    r.exceptionHandler(e -> { });
                    return r.putHeader("Accept", "text/plain").send();
                })
                .onSuccess(response -> read(host, response, result))
                .onFailure(error -> result.tryComplete(failure(host, error)));
        Future<PolicyFetch> done = result.future();
        done.onComplete(ar -> {
            vertx.cancelTimer(timer);
            // a fetch ended early (too big, too slow, wrong status) closes its connection
            request.onSuccess(r -> r.reset());
        });
        return done.toCompletionStage();
    }

    private void read(String host, HttpClientResponse response, Promise<PolicyFetch> result) {
        response.exceptionHandler(e -> result.tryComplete(PolicyFetch.fetchError(
                "reading the policy from " + host + " failed: " + ServerText.detail(String.valueOf(e.getMessage())))));
        int status = response.statusCode();
        if (status != 200) {
            String location = response.getHeader("Location");
            result.tryComplete(PolicyFetch.fetchError(host + " answered HTTP " + status
                    + (status / 100 == 3 ? ", a redirect" + (location == null ? "" : " to " + Texts.quote(location))
                    + ", which RFC 8461 forbids following" : "")));
            return;
        }
        String type = response.getHeader("Content-Type");
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("text/plain")) {
            result.tryComplete(PolicyFetch.fetchError(host + " sent the policy as " + (type == null ? "no Content-Type"
                    : Texts.quote(type)) + ", not text/plain"));
            return;
        }
        int max = settings.maxPolicyBytes();
        String length = response.getHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > max) {
            result.tryComplete(PolicyFetch.fetchError(host + " announced a policy of " + length + " bytes, over the limit of " + max));
            return;
        }
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > max) {
                result.tryComplete(PolicyFetch.fetchError("the policy from " + host + " is over the limit of " + max + " bytes"));
                return;
            }
            body.appendBuffer(chunk);
        });
        response.endHandler(v -> result.tryComplete(PolicyFetch.ok(body.toString(java.nio.charset.StandardCharsets.UTF_8))));
    }

    private PolicyFetch failure(String host, Throwable error) {
        Throwable refusal = trust.refusal(host);
        if (refusal != null) {
            return PolicyFetch.webPkiInvalid("the certificate of " + host + " is not valid: " + describe(refusal));
        }
        return PolicyFetch.fetchError("fetching https://" + host + PATH + " failed: "
                + ServerText.detail(error.getClass().getSimpleName() + ": " + error.getMessage()));
    }

    private static String describe(Throwable refusal) {
        for (Throwable t = refusal; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) {
                return "expired";
            }
            if (t instanceof CertificateNotYetValidException) {
                return "not yet valid";
            }
        }
        return ServerText.detail(String.valueOf(refusal.getMessage()));
    }
}
