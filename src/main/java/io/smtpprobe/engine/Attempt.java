package io.smtpprobe.engine;

import io.smtpprobe.core.MxHost;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.ServerText;
import io.smtpprobe.core.Stage;
import java.net.InetAddress;

/** One address of one host to try; {@code address} is null when the host's lookup found none. */
record Attempt(MxHost host, InetAddress address, int port, Integer preference) {

    /** The same attempt, reported without its address (a refused internal address is not a tenant's business). */
    Attempt withoutAddress() {
        return new Attempt(host, null, port, preference);
    }

    /** A result made by the engine itself, without a dialogue. */
    ServerResult synthetic(Stage stage, Reason reason, String detail) {
        return ServerResult.builder().host(host.host()).address(address == null ? null : address.getHostAddress())
                .port(port).preference(preference).stage(stage).reason(reason).detail(ServerText.detail(detail)).build();
    }
}
