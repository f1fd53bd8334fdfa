package io.smtpprobe.dns;

import java.util.concurrent.CompletionStage;

/** Non-blocking MX resolution. The stage always completes normally: DNS failures are results. */
public interface MxResolver {
    CompletionStage<MxResolution> resolve(String domain);
}
