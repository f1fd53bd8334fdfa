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
        List<SpanData> spans = spans(12);
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

        List<SpanData> stages = stagesOf(spans, dialogue);
        assertThat(stages).extracting(SpanData::getName)
                .containsExactly("CONNECT", "BANNER", "EHLO", "STARTTLS", "EHLO", "MAIL", "RCPT", "DATA", "QUIT");
        assertThat(stages).allSatisfy(stage -> {
            assertThat(stage.getTraceId()).isEqualTo(run.getTraceId());
            assertThat(stage.getStartEpochNanos()).isGreaterThanOrEqualTo(dialogue.getStartEpochNanos());
            assertThat(stage.getEndEpochNanos()).isLessThanOrEqualTo(dialogue.getEndEpochNanos())
                    .isGreaterThanOrEqualTo(stage.getStartEpochNanos());
            assertThat(stage.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        });
        // one after the other: each stage ends before the next starts, the EHLO over TLS included
        for (int i = 1; i < stages.size(); i++) {
            assertThat(stages.get(i).getStartEpochNanos()).isGreaterThanOrEqualTo(stages.get(i - 1).getEndEpochNanos());
        }
        // each stage's own reply: STARTTLS its 220, the EHLO over TLS its 250, QUIT its 221
        assertThat(stages).extracting(s -> s.getAttributes().get(AttributeKey.longKey("smtp.reply.code")))
                .containsExactly(null, 220L, 250L, 220L, 250L, 250L, 250L, 250L, 221L);
        assertThat(stages).extracting(s -> s.getAttributes().get(AttributeKey.stringKey("smtp.reply.enhanced_code")))
                .containsExactly(null, null, null, "2.0.0", null, "2.1.0", "2.1.5", "2.0.0", "2.0.0");
        // the two EHLOs read apart by smtpprobe.tls: every stage says whether it ran over TLS
        assertThat(stages).extracting(s -> s.getAttributes().get(AttributeKey.booleanKey("smtpprobe.tls")))
                .containsExactly(false, false, false, false, true, true, true, true, true);
        assertThat(spans).hasSize(12);
    }

    @Test
    void anEhloRefusedOverTlsIsTheErrorOfTheSecondEhloAndTheDialogueStillEndsWithQuit() throws Exception {
        var peer = peers.start(ScriptedSmtpPeer.script().greeting("STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready to start TLS\r\n")
                .startTls(TestCertificates.serverContext(TestCertificates.server(AUTHORITY, PeerProbe.MX_HOST)))
                .reply("EHLO", "554 5.7.1 not over TLS\r\n")
                .reply("QUIT", "221 2.0.0 Bye\r\n"));

        ProbeReport report = probe(peer.port(), null);

        assertThat(report.result()).isNotEqualTo(Outcome.Success);
        List<SpanData> spans = spans(9);
        SpanData dialogue = only(spans, "SMTP dialogue");
        assertThat(dialogue.getAttributes().get(AttributeKey.stringKey("smtpprobe.stage"))).isEqualTo("StartTls");
        List<SpanData> stages = stagesOf(spans, dialogue);
        assertThat(stages).extracting(SpanData::getName)
                .containsExactly("CONNECT", "BANNER", "EHLO", "STARTTLS", "EHLO", "QUIT");
        SpanData startTls = stages.get(3);
        SpanData ehloOverTls = stages.get(4);
        assertThat(startTls.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(startTls.getAttributes().get(AttributeKey.longKey("smtp.reply.code"))).isEqualTo(220L);
        assertThat(ehloOverTls.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(ehloOverTls.getAttributes().get(AttributeKey.longKey("smtp.reply.code"))).isEqualTo(554L);
        assertThat(ehloOverTls.getAttributes().get(AttributeKey.booleanKey("smtpprobe.tls"))).isTrue();
        assertThat(ehloOverTls.getAttributes().get(AttributeKey.stringKey("smtpprobe.reason")))
                .isEqualTo(report.domains().get(0).reason().name());
        assertThat(stages.get(5).getAttributes().get(AttributeKey.longKey("smtp.reply.code"))).isEqualTo(221L);
        assertThat(stages.get(5).getAttributes().get(AttributeKey.booleanKey("smtpprobe.tls"))).isTrue();
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
        // a refusal ends the dialogue politely: QUIT still runs after RCPT, a span of its own with its 221
        assertThat(stagesOf(spans, dialogue)).extracting(SpanData::getName)
                .containsExactly("CONNECT", "BANNER", "EHLO", "MAIL", "RCPT", "QUIT");
        SpanData quit = only(spans, "QUIT");
        assertThat(quit.getAttributes().get(AttributeKey.longKey("smtp.reply.code"))).isEqualTo(221L);
        assertThat(quit.getAttributes().get(AttributeKey.stringKey("smtp.reply.enhanced_code"))).isEqualTo("2.0.0");
        assertThat(quit.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(quit.getStartEpochNanos()).isGreaterThanOrEqualTo(rcpt.getEndEpochNanos());
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

    /** The dialogue's stage spans in the order they started. */
    private static List<SpanData> stagesOf(List<SpanData> spans, SpanData dialogue) {
        return spans.stream().filter(s -> s.getParentSpanId().equals(dialogue.getSpanId()))
                .sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos())).toList();
    }

    private static SpanData only(List<SpanData> spans, String name) {
        return spans.stream().filter(s -> s.getName().equals(name)).reduce((a, b) -> {
            throw new AssertionError("more than one span " + name + ": " + spans);
        }).orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
    }
}
