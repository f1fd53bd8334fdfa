package io.smtpprobe.engine;

import io.smtpprobe.core.ProbeRequest;
import io.smtpprobe.core.ProbeReport;
import java.util.concurrent.CompletionStage;

/**
 * Runs a whole probe: DNS, egress policy, then one dialogue per chosen server. The stage always
 * completes normally (failures are results) unless it is cancelled.
 */
public interface ProbeRunner {
    CompletionStage<ProbeReport> run(ProbeRequest request);
}
