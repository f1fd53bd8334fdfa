package io.smtpprobe.engine.dns;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.core.MxHost;
import java.util.List;

/**
 * The MX set of a domain, ordered by preference (ties keep DNS order), each host already
 * resolved to addresses so that the prober never looks a name up a second time.
 */
public record MxResolution(String domain, DnsStatus status, List<MxHost> hosts, String detail) {
    public MxResolution {
        hosts = List.copyOf(hosts);
    }
}
