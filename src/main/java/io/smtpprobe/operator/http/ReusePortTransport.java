package io.smtpprobe.operator.http;

import java.net.StandardSocketOptions;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.socket.nio.NioChannelOption;
import io.vertx.core.impl.transports.JDKTransport;
import io.vertx.core.net.NetServerOptions;

/**
 * Vert.x's JDK (NIO) transport that honours {@code quarkus.http.so-reuse-port}. Vert.x 4.5 sets {@code SO_REUSEPORT}
 * only on its native epoll/kqueue transports, which this image does not ship; on the JDK transport the option is
 * silently ignored. Java's {@code ServerSocketChannel} supports it on Linux, so this transport passes it through.
 *
 * <p>Why: with {@code hostNetwork} several operator replicas on one node share the node's ports. With the option on
 * (the chart sets it with {@code hostNetwork} only) each replica binds the same HTTP port, as the same uid, and the
 * kernel spreads connections between them. Everything else is Vert.x's JDK transport unchanged: it is picked through
 * {@code quarkus.vertx.prefer-native-transport=true}, under which Vert.x loads {@code Transport}s with the
 * {@link java.util.ServiceLoader} first (META-INF/services), and it still reports itself as no native transport.
 */
public class ReusePortTransport extends JDKTransport {

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        super.configure(options, domainSocket, bootstrap);
        if (!domainSocket && options.isReusePort()) {
            bootstrap.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
        }
    }
}
