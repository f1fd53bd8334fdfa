package io.smtpprobe.probe;

import java.util.concurrent.CompletionStage;

/**
 * Runs a whole probe: DNS, egress policy, then one dialogue per chosen server. The stage always
 * completes normally (failures are results) unless it is cancelled.
 */
public interface ProbeRunner {
    CompletionStage<ProbeReport> run(ProbeRequest request);
}
