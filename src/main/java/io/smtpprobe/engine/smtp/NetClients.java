package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Timeouts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * The prober's NetClients, one per combination of the few options a NetClient fixes. A client is
 * costly to make (TLS context, close hooks) and safe to share: SNI is given per connect and per
 * upgrade, so the host never needs to be part of the key.
 */
final class NetClients {

    /** Timeouts differ between probe specs; beyond this many combinations a probe gets its own client. */
    static final int MAX_SHARED = 32;

    /** Everything a shared client fixes; all else is per connection. */
    record Key(long connectTimeoutMs, long handshakeTimeoutMs) {

        static Key of(ProbeOptions options) {
            Timeouts timeouts = options.timeouts();
            long connectMs = Math.max(1, Math.min(timeouts.connect().toMillis(), timeouts.total().toMillis()));
            long handshakeMs = Math.max(1, timeouts.command().toMillis());
            return new Key(connectMs, handshakeMs);
        }
    }

    /** A client for one probe; {@code owned} ones are closed by the probe that got them. */
    record Lease(NetClient client, boolean owned) {
        Future<Void> release() {
            return owned ? client.close() : Future.succeededFuture();
        }
    }

    private final Vertx vertx;
    private final ConcurrentMap<Key, NetClient> shared = new ConcurrentHashMap<>();
    private volatile boolean closed;

    NetClients(Vertx vertx) {
        this.vertx = vertx;
    }

    Lease lease(ProbeOptions options) {
        Key key = Key.of(options);
        NetClient client = shared.get(key);
        if (client != null) {
            return new Lease(client, false);
        }
        if (closed || shared.size() >= MAX_SHARED) {
            return new Lease(create(key), true);
        }
        client = shared.computeIfAbsent(key, this::create);
        if (closed) {
            // lost a race with close(): this probe still needs a working client
            return new Lease(create(key), true);
        }
        return new Lease(client, false);
    }

    Future<Void> close() {
        closed = true;
        List<Future<Void>> closing = new ArrayList<>();
        for (Key key : List.copyOf(shared.keySet())) {
            NetClient client = shared.remove(key);
            if (client != null) {
                closing.add(client.close());
            }
        }
        return Future.join(closing).mapEmpty();
    }

    private NetClient create(Key key) {
        return vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, key.connectTimeoutMs()))
                // plaintext first, also for implicit TLS: the dialogue upgrades after TCP connected, so
                // a handshake failure is never taken for a failed connect
                .setSsl(false)
                // the handshake trusts all so a bad certificate can still be reported; TlsVerifier judges it
                .setTrustAll(true)
                .setHostnameVerificationAlgorithm("")
                .setSslHandshakeTimeout(key.handshakeTimeoutMs())
                .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS));
    }
}
