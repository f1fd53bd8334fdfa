package io.smtpprobe.engine.smtp;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.smtpprobe.core.Reason;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;

/**
 * Tells the network's failures from our own by exception type. Message text differs by OS, JDK
 * and locale; the types are what the JDK and Netty promise. Anything that is not a socket or TLS
 * error is a bug in the probe and must never be blamed on the server.
 */
final class SocketErrors {

    private SocketErrors() {
    }

    /**
     * The reason for a failed TCP connect, or null when the failure is not the network's (a bug).
     * Implicit TLS connects in plaintext and then upgrades, so a handshake never fails here.
     * Netty wraps the JDK's exception in a subclass of the same type, so the whole cause chain counts.
     */
    static Reason connectReason(Throwable error) {
        // Netty's own connect timer; it subclasses ConnectException, so it is asked first
        if (causedBy(error, ConnectTimeoutException.class) || causedBy(error, SocketTimeoutException.class)) {
            return Reason.ConnectTimeout;
        }
        if (causedBy(error, NoRouteToHostException.class) || causedBy(error, UnknownHostException.class)) {
            return Reason.ConnectFailed;
        }
        // The JDK raises a plain ConnectException for ECONNREFUSED, and for the kernel's SYN timeout,
        // which (about two minutes on Linux) Netty's connect timer normally beats.
        if (causedBy(error, ConnectException.class)) {
            return Reason.ConnectRefused;
        }
        // e.g. ENETUNREACH, which the JDK raises as a plain SocketException
        if (causedBy(error, IOException.class)) {
            return Reason.ConnectFailed;
        }
        return null;
    }

    /** True for a failure of the connection itself (reset, broken pipe, a TLS alert), not of our code. */
    static boolean isTransportError(Throwable error) {
        return causedBy(error, IOException.class) || causedBy(error, NotSslRecordException.class);
    }

    static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        int depth = 0;
        // bounded: a cause chain can, in principle, loop
        for (Throwable t = error; t != null && depth < 16; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
