package io.smtpprobe.operator.controller;

import io.smtpprobe.operator.status.Conditions;
import static io.smtpprobe.operator.controller.Probes.await;
import static io.smtpprobe.operator.controller.Probes.create;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smtpprobe.api.v1alpha1.DomainStatus;
import io.smtpprobe.api.v1alpha1.ProbeTimeouts;
import io.smtpprobe.api.v1alpha1.SmtpProbeSpec;
import io.smtpprobe.api.v1alpha1.SmtpProbeStatus;
import io.smtpprobe.engine.dns.DnsSettings;
import io.smtpprobe.core.Cidr;
import io.smtpprobe.engine.EgressPolicy;
import io.smtpprobe.engine.ProbeEngine;
import io.smtpprobe.engine.ProbeRunner;
import io.smtpprobe.api.v1alpha1.Outcome;
import io.smtpprobe.testsupport.Dnsmasq;
import io.smtpprobe.testsupport.Postfix;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reconciler with the real probe engine against a real Postfix and dnsmasq on loopback: what a
 * resource's status says once the probe has run. Postfix discards what it accepts; dnsmasq answers
 * only for .test.
 */
@Tag("real")
class SmtpProbeReconcilerRealPeersTest {
    static final Duration PROBE_BOUND = Duration.ofSeconds(10);

    static Postfix postfix;
    static Dnsmasq dns;
    static Vertx vertx;

    @RegisterExtension
    final MockCluster cluster = new MockCluster();
    KubernetesClient client;
    OperatorRuntime operator;

    @BeforeAll
    static void startPeers() {
        postfix = Postfix.builder().myhostname("mx1.contoso.test").domain("contoso.test", "user", "postmaster").start();
        dns = Dnsmasq.builder()
                .mx("contoso.test", "mx1.contoso.test", 10)
                .host("mx1.contoso.test", "127.0.0.1")
                // Nothing listens on 127.0.0.3: a refused connection without leaving loopback.
                .mx("refused.test", "down.refused.test", 10)
                .host("down.refused.test", "127.0.0.3")
                .start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopPeers() {
        if (vertx != null) {
            vertx.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (postfix != null) {
            postfix.close();
        }
    }

    @BeforeEach
    void client() {
        client = cluster.client();
    }

    /** Loopback and the Postfix port allowed, as a test cluster's policy would allow its own mail servers. */
    void startOperatorAllowingLoopback() {
        startOperator(new EgressPolicy(Set.of(postfix.port()), List.of()));
    }

    void startOperator(EgressPolicy policy) {
        DnsSettings resolver = DnsSettings.defaults().withServers(List.of(dns.endpoint())).withQueryTimeout(Duration.ofSeconds(2));
        ProbeRunner engine = ProbeEngine.create(vertx, resolver, policy, 2, Clock.systemUTC());
        operator = cluster.operator(client, engine, TestConfig.operator(), new SimpleMeterRegistry());
    }

    void createProbe(String name, Consumer<SmtpProbeSpec> spec) {
        create(client, name, s -> {
            s.setPort(postfix.port());
            s.setEhloName("probe.contoso.test");
            s.setInterval("1h");
            var timeouts = new ProbeTimeouts();
            timeouts.setConnect("2s");
            timeouts.setCommand("3s");
            timeouts.setTotal("8s");
            s.setTimeouts(timeouts);
            spec.accept(s);
        });
    }

    SmtpProbeStatus awaitProbed(String name) {
        await(() -> {
            var status = Probes.status(client, name);
            return status != null && status.lastProbeTime() != null;
        }, PROBE_BOUND);
        return Probes.status(client, name);
    }

    @Test
    void acceptedRecipientMakesTheResourceReady() {
        startOperatorAllowingLoopback();
        createProbe("contoso", s -> {
            s.setDomains(List.of("contoso.test"));
            s.setRcptTo(List.of("user@contoso.test"));
        });

        var status = awaitProbed("contoso");

        assertThat(status.result()).isEqualTo(Outcome.Success);
        assertThat(status.reason()).isEqualTo("Accepted");
        assertThat(status.message()).isEqualTo("contoso.test: mx1.contoso.test (127.0.0.1:" + postfix.port() + ") accepted (250 2.1.5 Ok)");
        assertThat(status.consecutiveFailures()).isZero();
        assertThat(status.observedGeneration()).isEqualTo(1L);
        var ready = Conditions.find(status.conditions(), Conditions.READY).orElseThrow();
        assertThat(ready.getStatus()).isEqualTo(Conditions.TRUE);
        assertThat(ready.getReason()).isEqualTo("Accepted");
        DomainStatus domain = status.domains().get(0);
        assertThat(domain.domain()).isEqualTo("contoso.test");
        assertThat(domain.result()).isEqualTo(Outcome.Success);
        assertThat(domain.mx()).extracting(DomainStatus.MxStatus::host).containsExactly("mx1.contoso.test");
        assertThat(domain.servers()).hasSize(1);
        assertThat(domain.servers().get(0).address()).isEqualTo("127.0.0.1");
        assertThat(domain.servers().get(0).reply().code()).isEqualTo(250);
        assertThat(operator.results().get(ResourceKey.of(Probes.NS, "contoso")).orElseThrow().report().domains().get(0)
                .servers().get(0).transcript()).isNotEmpty();
    }

    @Test
    void unknownRecipientIsAPermanentFailureNamingTheReply() {
        startOperatorAllowingLoopback();
        createProbe("nobody", s -> {
            s.setDomains(List.of("contoso.test"));
            s.setRcptTo(List.of("nobody@contoso.test"));
        });

        var status = awaitProbed("nobody");

        assertThat(status.result()).isEqualTo(Outcome.PermanentFailure);
        assertThat(status.reason()).isEqualTo("RecipientUnknown");
        assertThat(status.message()).startsWith("contoso.test: mx1.contoso.test (127.0.0.1:" + postfix.port() + ") RCPT 550 5.1.1")
                .contains("nobody@contoso.test");
        assertThat(status.domains().get(0).message()).isEqualTo(status.message());
        assertThat(status.consecutiveFailures()).isEqualTo(1);
        var ready = Conditions.find(status.conditions(), Conditions.READY).orElseThrow();
        assertThat(ready.getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(ready.getReason()).isEqualTo("RecipientUnknown");
        assertThat(ready.getMessage()).isEqualTo(status.message());
        assertThat(status.domains().get(0).reason()).isEqualTo("RecipientUnknown");
        assertThat(status.domains().get(0).servers().get(0).reply().code()).isEqualTo(550);
    }

    @Test
    void nonexistentDomainIsDnsNameNotFoundWithoutAnyServer() {
        startOperatorAllowingLoopback();
        createProbe("missing", s -> s.setDomains(List.of("missing.test")));

        var status = awaitProbed("missing");

        assertThat(status.result()).isEqualTo(Outcome.PermanentFailure);
        assertThat(status.reason()).isEqualTo("DnsNameNotFound");
        assertThat(status.message()).startsWith("missing.test: ");
        assertThat(Conditions.find(status.conditions(), Conditions.READY).orElseThrow().getReason()).isEqualTo("DnsNameNotFound");
        assertThat(status.domains()).singleElement().satisfies(d -> {
            assertThat(d.reason()).isEqualTo("DnsNameNotFound");
            assertThat(d.servers()).isNullOrEmpty();
        });
    }

    @Test
    void serverThatRefusesTheConnectionIsConnectRefused() {
        startOperatorAllowingLoopback();
        createProbe("refused", s -> s.setDomains(List.of("refused.test")));

        var status = awaitProbed("refused");

        assertThat(status.result()).isEqualTo(Outcome.PermanentFailure);
        assertThat(status.reason()).isEqualTo("ConnectRefused");
        assertThat(status.message()).matches("refused\\.test: down\\.refused\\.test \\(127\\.0\\.0\\.3:\\d+\\) CONNECT ConnectRefused.*");
        assertThat(Conditions.find(status.conditions(), Conditions.READY).orElseThrow().getStatus()).isEqualTo(Conditions.FALSE);
        assertThat(status.domains().get(0).servers()).singleElement().satisfies(s -> {
            assertThat(s.address()).isEqualTo("127.0.0.3");
            assertThat(s.reason()).isEqualTo("ConnectRefused");
        });
    }

    @Test
    void operatorDefaultPolicyBlocksLoopbackWithoutConnecting() {
        // The default denied networks; the port is allowed so that only the address can be the reason.
        var ports = new HashSet<>(EgressPolicy.SMTP_PORTS);
        ports.add(postfix.port());
        startOperator(new EgressPolicy(ports, EgressPolicy.DEFAULT_DENIED.stream().map(Cidr::parse).toList()));
        int connectsBefore = postfix.maillogLines("connect from").size();
        createProbe("blocked", s -> {
            s.setDomains(List.of("contoso.test"));
            s.setRcptTo(List.of("user@contoso.test"));
        });

        var status = awaitProbed("blocked");

        assertThat(status.result()).isEqualTo(Outcome.PermanentFailure);
        assertThat(status.reason()).isEqualTo("PolicyBlocked");
        assertThat(status.message()).contains("loopback 127.0.0.0/8 is denied by policy").doesNotContain("127.0.0.1");
        assertThat(Conditions.find(status.conditions(), Conditions.READY).orElseThrow().getReason()).isEqualTo("PolicyBlocked");
        assertThat(status.domains().get(0).reason()).isEqualTo("PolicyBlocked");
        assertThat(postfix.maillogLines("connect from")).hasSize(connectsBefore);
    }
}
