package io.smtpprobe.engine;

import io.smtpprobe.core.DnsStatus;
import io.smtpprobe.engine.smtp.DialogueObserver;
import io.smtpprobe.engine.smtp.SmtpTarget;

/**
 * Sees one probe run as it happens: its DNS lookups and, through {@link DialogueObserver}, every
 * stage of every dialogue. For tracing; the engine knows nothing of what an observer does with it.
 * Callbacks come from resolver and event-loop threads: implementations record and return.
 */
public interface ProbeObserver extends DialogueObserver.Factory {
    ProbeObserver NONE = new ProbeObserver() {
    };

    /** @param name the mail domain whose MX is looked up, or the server names given instead */
    default void dnsStarted(String name) {
    }

    default void dnsEnded(String name, DnsStatus status) {
    }

    @Override
    default DialogueObserver dialogue(SmtpTarget target, boolean plaintextRetry) {
        return DialogueObserver.NONE;
    }
}
