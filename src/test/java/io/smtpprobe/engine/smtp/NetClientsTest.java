package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.TlsMode;
import io.smtpprobe.core.Timeouts;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NetClientsTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();

    @Test
    void probesWithTheSameOptionsShareOneClient() {
        var clients = new NetClients(peers.vertx());
        var options = new TestOptions();

        var first = clients.lease(options.build());
        options.rcptTo = java.util.List.of("someone-else@example.test");
        var second = clients.lease(options.build());

        assertThat(first.owned()).isFalse();
        assertThat(second.client()).isSameAs(first.client());
        clients.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void otherTimeoutsGetClientsOfTheirOwn() {
        var clients = new NetClients(peers.vertx());
        var options = new TestOptions();
        var plain = clients.lease(options.build());

        options.timeouts = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(4));
        var slowerConnect = clients.lease(options.build());
        options.timeouts = new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(4));
        var slowerHandshake = clients.lease(options.build());

        assertThat(slowerConnect.client()).isNotSameAs(plain.client());
        assertThat(slowerHandshake.client()).isNotSameAs(plain.client()).isNotSameAs(slowerConnect.client());
        clients.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void implicitTlsSharesThePlaintextClientBecauseItUpgradesAfterTheTcpConnect() {
        var clients = new NetClients(peers.vertx());
        var options = new TestOptions();
        var plain = clients.lease(options.build());

        options.tlsMode = TlsMode.Implicit;
        var implicit = clients.lease(options.build());

        assertThat(implicit.client()).isSameAs(plain.client());
        clients.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void afterCloseEachProbeOwnsAFreshClient() {
        var clients = new NetClients(peers.vertx());
        var options = new TestOptions().build();
        var shared = clients.lease(options);
        clients.close().toCompletionStage().toCompletableFuture().join();

        var late = clients.lease(options);

        assertThat(late.owned()).isTrue();
        assertThat(late.client()).isNotSameAs(shared.client());
        late.release().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void beyondTheSharedLimitProbesOwnTheirClients() {
        var clients = new NetClients(peers.vertx());
        var options = new TestOptions();
        for (int i = 0; i < NetClients.MAX_SHARED; i++) {
            options.timeouts = new Timeouts(Duration.ofMillis(100 + i), Duration.ofSeconds(1), Duration.ofSeconds(4));
            assertThat(clients.lease(options.build()).owned()).isFalse();
        }
        options.timeouts = new Timeouts(Duration.ofMillis(99), Duration.ofSeconds(1), Duration.ofSeconds(4));

        var extra = clients.lease(options.build());

        assertThat(extra.owned()).isTrue();
        extra.release().toCompletionStage().toCompletableFuture().join();
        clients.close().toCompletionStage().toCompletableFuture().join();
    }
}
