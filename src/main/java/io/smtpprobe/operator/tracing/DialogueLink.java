package io.smtpprobe.operator.tracing;

import io.opentelemetry.api.trace.SpanContext;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Stage;
import java.util.Map;
import java.util.Objects;

/** The spans of one finished dialogue, by the server it spoke to: where its stage durations link to. */
record DialogueLink(String host, String address, int port, SpanContext dialogue, Map<Stage, SpanContext> stages) {

    boolean spokeTo(ServerResult server) {
        return port == server.port() && Objects.equals(host, server.host()) && Objects.equals(address, server.address());
    }

    /** The stage's span, or the dialogue's when the stage had none of its own. */
    SpanContext span(Stage stage) {
        return stages.getOrDefault(stage, dialogue);
    }
}
