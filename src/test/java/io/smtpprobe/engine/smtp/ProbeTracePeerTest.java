package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.MxPolicy;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.ProbeReport;
import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.Reason;
import io.smtpprobe.engine.DefaultProbeRunner;
import io.smtpprobe.engine.EgressPolicy;
import io.smtpprobe.engine.HostLimiter;
import io.smtpprobe.engine.dns.DnsSettings;
import io.smtpprobe.engine.dns.DnsjavaMxResolver;
import io.smtpprobe.operator.tracing.TracingProbeRunner;
import io.smtpprobe.testsupport.ScriptedDnsServer;
import io.smtpprobe.testsupport.TestCertificates;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;

/**
 * The trace of one probe, exported to memory: a span for the run, DNS and the dialogue beneath it, and a span
 * per SMTP stage beneath the dialogue, against a scripted peer that walks every stage (STARTTLS and DATA included).
 */
@Tag("peers")
class ProbeTracePeerTest {
    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();

    private static final TestCertificates.Issued AUTHORITY = TestCertificates.authority("Trace Test CA");
    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
    private ScriptedDnsServer dns;

    @AfterEach
    void stop() {
        tracing.close();
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void everyStageOfOneProbeIsASpanUnderItsDialogueUnderTheRun() throws Exception {
        var peer = peers.start(ScriptedSmtpPeer.script().greeting("PIPELINING", "STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready to start TLS\r\n")
                .startTls(TestCertificates.serverContext(TestCertificates.server(AUTHORITY, PeerProbe.MX_HOST)))
                .reply("EHLO", "250-mx.example.test\r\n250 ENHANCEDSTATUSCODES\r\n")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "250 2.1.5 Ok\r\n")
                .reply("DATA", "354 End data with <CR><LF>.<CR><LF>\r\n")
                .readMessage()
                .send("250 2.0.0 Ok: queued as 4XyZ12\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        ProbeReport report = probe(peer.port(), new MessageContent("trace", "hello"));

        assertThat(report.result()).isEqualTo(Outcome.Success);
        List<SpanData> spans = spans(11);
        SpanData run = only(spans, "SMTP probe");
        assertThat(run.getParentSpanContext().isValid()).isFalse();
        assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);
        assertThat(run.getAttributes().get(AttributeKey.stringArrayKey("smtpprobe.domains"))).containsExactly("example.test");

        SpanData dnsSpan = only(spans, "DNS");
        assertThat(dnsSpan.getParentSpanId()).isEqualTo(run.getSpanId());
        assertThat(dnsSpan.getAttributes().get(AttributeKey.stringKey("dns.question.name"))).isEqualTo("example.test");
        assertThat(dnsSpan.getAttributes().get(AttributeKey.stringKey("smtpprobe.dns.status"))).isEqualTo("Ok");

        SpanData dialogue = only(spans, "SMTP dialogue");
        assertThat(dialogue.getParentSpanId()).isEqualTo(run.getSpanId());
        assertThat(dialogue.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(dialogue.getAttributes().get(AttributeKey.stringKey("server.address"))).isEqualTo(PeerProbe.MX_HOST);
        assertThat(dialogue.getAttributes().get(AttributeKey.longKey("server.port"))).isEqualTo(peer.port());
        assertThat(dialogue.getAttributes().get(AttributeKey.stringKey("network.peer.address"))).isEqualTo("127.0.0.1");
        assertThat(dialogue.getAttributes().get(AttributeKey.stringKey("smtpprobe.reason"))).isEqualTo("Accepted");
        assertThat(dialogue.getStatus().getStatusCode()).isEqualTo(StatusCode.OK);

        List<SpanData> stages = spans.stream().filter(s -> s.getParentSpanId().equals(dialogue.getSpanId()))
                .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).toList();
        assertThat(stages).extracting(SpanData::getName)
                // The EHLO after the handshake belongs to STARTTLS, as in the engine's latencies.
                .containsExactly("CONNECT", "BANNER", "EHLO", "STARTTLS", "MAIL", "RCPT", "DATA", "QUIT");
        assertThat(stages).allSatisfy(stage -> {
            assertThat(stage.getTraceId()).isEqualTo(run.getTraceId());
            assertThat(stage.getStartEpochNanos()).isGreaterThanOrEqualTo(dialogue.getStartEpochNanos());
            assertThat(stage.getEndEpochNanos()).isLessThanOrEqualTo(dialogue.getEndEpochNanos())
                    .isGreaterThanOrEqualTo(stage.getStartEpochNanos());
        });
        assertThat(stages.get(0).getAttributes().get(AttributeKey.longKey("smtp.reply.code"))).isNull();
        assertThat(stages).extracting(s -> s.getAttributes().get(AttributeKey.longKey("smtp.reply.code")))
                // QUIT's 221 ends the session after the verdict; the engine does not keep it as a stage reply
                .containsExactly(null, 220L, 250L, 250L, 250L, 250L, 250L, null);
        assertThat(stages.get(5).getAttributes().get(AttributeKey.stringKey("smtp.reply.enhanced_code"))).isEqualTo("2.1.5");
        assertThat(spans).hasSize(11);
    }

    @Test
    void aRefusedRecipientMarksItsStageTheDialogueAndTheRunAsErrorsWithABoundedEscapedExcerpt() throws Exception {
        String hostile = "5.1.1 <postmaster@example.test>: \u001b[31mno such user\u001b[0m " + "x".repeat(300);
        var peer = peers.start(ScriptedSmtpPeer.script().greeting("PIPELINING")
                .reply("MAIL FROM:", "250 2.1.0 Ok\r\n")
                .reply("RCPT TO:", "550 " + hostile + "\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        ProbeReport report = probe(peer.port(), null);

        assertThat(report.reason()).isEqualTo(Reason.RecipientUnknown);
        List<SpanData> spans = spans(9);
        SpanData run = only(spans, "SMTP probe");
        assertThat(run.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(run.getStatus().getDescription()).isEqualTo("RecipientUnknown");
        SpanData dialogue = only(spans, "SMTP dialogue");
        assertThat(dialogue.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        String excerpt = dialogue.getAttributes().get(AttributeKey.stringKey("smtp.reply.text"));
        assertThat(excerpt).startsWith("5.1.1 <postmaster@example.test>: \\x1b[31mno such user").doesNotContain("\u001b")
                .hasSizeLessThanOrEqualTo(120);
        SpanData rcpt = only(spans, "RCPT");
        assertThat(rcpt.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(rcpt.getAttributes().get(AttributeKey.stringKey("smtpprobe.reason"))).isEqualTo("RecipientUnknown");
        assertThat(rcpt.getAttributes().get(AttributeKey.longKey("smtp.reply.code"))).isEqualTo(550L);
        assertThat(only(spans, "MAIL").getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        // Commands are never recorded: no span carries what the client sent.
        assertThat(spans).allSatisfy(s -> assertThat(s.getAttributes().asMap().values().toString()).doesNotContain("MAIL FROM"));
    }

    private ProbeReport probe(int port, MessageContent data) throws Exception {
        dns = ScriptedDnsServer.start(q -> {
            try {
                if (q.type() == Type.MX) {
                    return ScriptedDnsServer.Reply.records(new MXRecord(q.name(), DClass.IN, 60, 10, Name.fromString(PeerProbe.MX_HOST + ".")));
                }
                if (q.type() == Type.A) {
                    return ScriptedDnsServer.Reply.records(new ARecord(q.name(), DClass.IN, 60, InetAddress.getByName("127.0.0.1")));
                }
                return ScriptedDnsServer.Reply.records();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        var options = new TestOptions();
        options.data = data;
        options.timeouts = new io.smtpprobe.core.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(8));
        var engine = new DefaultProbeRunner(
                new DnsjavaMxResolver(DnsSettings.defaults().withServers(List.of(dns.endpoint())).withQueryTimeout(Duration.ofSeconds(2))),
                new VertxSmtpProber(peers.vertx(), Clock.systemUTC(), TlsSettings.trusting(TestCertificates.trustStore(AUTHORITY.certificate()))),
                new EgressPolicy(Set.of(port), List.of()), new HostLimiter(2));
        var traced = new TracingProbeRunner(engine, tracing.get("test"), Clock.systemUTC());
        var request = new ProbeRequest(List.of("example.test"), List.of(), port, MxPolicy.Preferred, options.build());
        return traced.run(request).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** The run's span ends just after its report is handed over: wait for all of them. */
    private List<SpanData> spans(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (exporter.getFinishedSpanItems().stream().noneMatch(s -> s.getName().equals("SMTP probe")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<SpanData> spans = exporter.getFinishedSpanItems();
        assertThat(spans).hasSizeGreaterThanOrEqualTo(atLeast);
        return spans;
    }

    private static SpanData only(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).reduce((a, b) -> {
            throw new AssertionError("more than one span " + name + ": " + spans);
        }).orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
    }
}
