package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ProbeOptions;
import io.vertx.core.Future;

/** Runs one complete dialogue. The returned future always succeeds: failures are results. */
public interface SmtpProber {
    Future<ServerResult> probe(SmtpTarget target, ProbeOptions options);
}
