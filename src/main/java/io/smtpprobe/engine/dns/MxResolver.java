package io.smtpprobe.engine.dns;

import io.smtpprobe.core.MxHost;
import java.util.concurrent.CompletionStage;

/** Non-blocking MX resolution. The stage always completes normally: DNS failures are results. */
public interface MxResolver {
    CompletionStage<MxResolution> resolve(String domain);

    /**
     * Resolves one host name to its A and AAAA addresses, as for an MX target; used when the user
     * names servers directly. Failures are reported in {@link MxHost#addressError()}.
     */
    CompletionStage<MxHost> resolveHost(String host, int preference);
}
