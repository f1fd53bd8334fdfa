package io.smtpprobe.operator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import org.junit.jupiter.api.Test;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.spi.transport.Transport;

/** Two servers on one port, as two replicas on one node's network: only with {@code so-reuse-port} set. */
class ReusePortTransportTest {

    @Test
    void vertxFindsItThroughTheServiceLoader() {
        assertThat(ServiceLoader.load(Transport.class).stream().map(ServiceLoader.Provider::type).toList())
                .containsExactly(ReusePortTransport.class);
        assertThat(new ReusePortTransport().isAvailable()).isTrue();
    }

    @Test
    void twoServersShareAPortOnlyWithReusePort() throws Exception {
        EventLoopGroup group = new NioEventLoopGroup(1);
        List<Channel> channels = new ArrayList<>();
        try {
            Channel first = bind(group, true, 0);
            channels.add(first);
            int port = ((InetSocketAddress) first.localAddress()).getPort();
            channels.add(bind(group, true, port));
            assertThatThrownBy(() -> channels.add(bind(group, false, port)))
                    .hasMessageContaining("Address already in use");
        } finally {
            channels.forEach(c -> c.close().syncUninterruptibly());
            group.shutdownGracefully().syncUninterruptibly();
        }
    }

    @Test
    void withoutReusePortTheBootstrapIsVertxsOwn() {
        ServerBootstrap bootstrap = new ServerBootstrap();
        new ReusePortTransport().configure(new NetServerOptions(), false, bootstrap);
        assertThat(bootstrap.config().options()).doesNotContainKey(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT));
    }

    private static Channel bind(EventLoopGroup group, boolean reusePort, int port) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter());
        new ReusePortTransport().configure(new NetServerOptions().setReusePort(reusePort), false, bootstrap);
        return bootstrap.bind("127.0.0.1", port).sync().channel();
    }
}
