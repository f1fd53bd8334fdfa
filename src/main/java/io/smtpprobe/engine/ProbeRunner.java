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

    /** The same run, told to {@code observer} as it happens (tracing); runners that cannot tell simply run. */
    default CompletionStage<ProbeReport> run(ProbeRequest request, ProbeObserver observer) {
        return run(request);
    }
}
