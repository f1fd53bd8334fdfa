package io.smtpprobe.engine.smtp;

import io.smtpprobe.core.DaneOutcome;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Predicate;

/**
 * The seam to RFC 7672 DANE: the SMTP engine sees neither DNS nor DNSSEC, only this. The TLSA
 * lookup starts with the dialogue and runs beside it, so it costs no time when it is not slower
 * than the dialogue; when the dialogue ends, what the lookup found judges the chain the server
 * presented (none when TLS was not established).
 */
@FunctionalInterface
public interface DaneCheck {

    /** No DANE evaluation: results carry no DANE outcome. */
    DaneCheck OFF = (host, address, port) -> null;

    /**
     * Starts the lookup for the server at this name, address and port; never blocks.
     *
     * @return what judges the presented chain, or null when DANE is not evaluated for this server
     */
    CompletionStage<Judge> lookup(String host, InetAddress address, int port);

    @FunctionalInterface
    interface Judge {
        /**
         * @param chain        as presented, server certificate first; empty when TLS was not established
         * @param namesTheHost whether a certificate names the MX host (needed for DANE-TA, not for DANE-EE)
         */
        DaneOutcome judge(List<X509Certificate> chain, Predicate<X509Certificate> namesTheHost);
    }
}
