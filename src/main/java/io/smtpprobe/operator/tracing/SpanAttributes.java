package io.smtpprobe.operator.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.smtpprobe.core.Outcome;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.Reply;
import io.smtpprobe.core.ServerText;
import java.util.List;

/**
 * The attributes of probe spans beyond the semantic conventions' {@code server.*} and {@code network.*}:
 * SMTP replies and verdicts. Server text appears only as a short excerpt, escaped ({@link ServerText});
 * commands are never recorded, so nothing a client sends (an address, a credential) reaches a trace.
 */
final class SpanAttributes {
    static final AttributeKey<List<String>> DOMAINS = AttributeKey.stringArrayKey("smtpprobe.domains");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("smtpprobe.outcome");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("smtpprobe.reason");
    static final AttributeKey<String> STAGE = AttributeKey.stringKey("smtpprobe.stage");
    /** On every stage span: whether it ran over TLS (the EHLO after STARTTLS does, the first EHLO does not). */
    static final AttributeKey<Boolean> TLS = AttributeKey.booleanKey("smtpprobe.tls");
    static final AttributeKey<Boolean> PLAINTEXT_RETRY = AttributeKey.booleanKey("smtpprobe.plaintext_retry");
    static final AttributeKey<Long> MX_PREFERENCE = AttributeKey.longKey("smtpprobe.mx.preference");
    static final AttributeKey<Long> REPLY_CODE = AttributeKey.longKey("smtp.reply.code");
    static final AttributeKey<String> ENHANCED_CODE = AttributeKey.stringKey("smtp.reply.enhanced_code");
    static final AttributeKey<String> REPLY_TEXT = AttributeKey.stringKey("smtp.reply.text");
    /** The semantic conventions' (incubating) name of the looked-up name. */
    static final AttributeKey<String> DNS_QUESTION_NAME = AttributeKey.stringKey("dns.question.name");
    static final AttributeKey<String> DNS_STATUS = AttributeKey.stringKey("smtpprobe.dns.status");

    /** Enough to recognise a reply ("550 5.1.1 <…>: Recipient address rejected"), not to carry a server's prose. */
    static final int MAX_REPLY_TEXT = 120;

    private SpanAttributes() {
    }

    static void reply(Span span, Reply reply, boolean withText) {
        if (reply == null) {
            return;
        }
        span.setAttribute(REPLY_CODE, (long) reply.code());
        if (reply.enhancedCode() != null) {
            span.setAttribute(ENHANCED_CODE, reply.enhancedCode());
        }
        if (withText) {
            // reply text was sanitised where it was read: guard caps it and escapes only what never was
            span.setAttribute(REPLY_TEXT, ServerText.guard(reply.text(), MAX_REPLY_TEXT));
        }
    }

    /** Success is OK; any failure, transient or permanent, is an error named by its reason. */
    static void verdict(Span span, Outcome outcome, Reason reason) {
        span.setAttribute(OUTCOME, outcome.name());
        if (reason != null) {
            span.setAttribute(REASON, reason.name());
        }
        if (outcome == Outcome.Success) {
            span.setStatus(StatusCode.OK);
        } else {
            span.setStatus(StatusCode.ERROR, reason == null ? outcome.name() : reason.name());
        }
    }
}
