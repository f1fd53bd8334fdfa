package io.smtpprobe.engine.smtp;

import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The setup every scripted-peer test needs: one Vert.x per test class (made on first use, so
 * tests that only start peers pay nothing for it), and every peer a test starts closed after that
 * test, whether it passed or not. Register it on a static field:
 *
 * <pre>{@code @RegisterExtension static final ScriptedPeers peers = new ScriptedPeers();}</pre>
 */
final class ScriptedPeers implements AfterEachCallback, AfterAllCallback {

    private final List<ScriptedSmtpPeer> started = new ArrayList<>();
    private Vertx vertx;

    /** The test class's Vert.x, closed after its last test. */
    synchronized Vertx vertx() {
        if (vertx == null) {
            vertx = Vertx.vertx();
        }
        return vertx;
    }

    /** Starts the script on an ephemeral loopback port; the peer is closed after the test. */
    synchronized ScriptedSmtpPeer start(ScriptedSmtpPeer script) throws Exception {
        ScriptedSmtpPeer peer = script.start();
        started.add(peer);
        return peer;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        List<ScriptedSmtpPeer> peers;
        synchronized (this) {
            peers = List.copyOf(started);
            started.clear();
        }
        for (ScriptedSmtpPeer peer : peers) {
            peer.close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Vertx closing;
        synchronized (this) {
            closing = vertx;
            vertx = null;
        }
        if (closing != null) {
            closing.close().toCompletionStage().toCompletableFuture().join();
        }
    }
}
