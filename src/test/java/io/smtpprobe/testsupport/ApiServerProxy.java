package io.smtpprobe.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP relay between a client (the operator) and the kube-apiserver that a test can cut,
 * the way networks fail. TLS passes through untouched: the API server's certificate names 127.0.0.1,
 * which the relay's address is too.
 *
 * <ul>
 *   <li>{@link #partition()}: packets are lost, both ways. Connections stay open but nothing arrives;
 *       new connections are accepted and hear nothing. Clients learn of it only from their own timeouts.</li>
 *   <li>{@link #refuse()}: every connection is reset and new ones are closed at once, as when the API
 *       server's process is gone.</li>
 *   <li>{@link #heal()}: connections made before or during the fault are closed (their TLS streams lost
 *       bytes), new ones are relayed again.</li>
 * </ul>
 */
public final class ApiServerProxy implements AutoCloseable {
    private enum State { RELAYING, PARTITIONED, REFUSING }

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile State state = State.RELAYING;

    private ApiServerProxy(InetSocketAddress target) {
        this.target = target;
        try {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread accept = new Thread(this::acceptLoop, "api-proxy-accept-" + listener.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    /** A relay to the API server at {@code url} (https://127.0.0.1:PORT). */
    public static ApiServerProxy to(String url) {
        URI uri = URI.create(url);
        return new ApiServerProxy(new InetSocketAddress(uri.getHost(), uri.getPort()));
    }

    public String url() {
        return "https://127.0.0.1:" + listener.getLocalPort();
    }

    /** Connections accepted so far, relayed or not. */
    public int connections() {
        return connections.get();
    }

    /**
     * A copy of {@code kubeconfig} whose server is this relay, written to {@code target}: a client using
     * it reaches the API server only through here.
     */
    public Path kubeconfig(Path kubeconfig, String apiServerUrl, Path target) {
        try {
            String original = Files.readString(kubeconfig);
            if (!original.contains("server: " + apiServerUrl)) {
                throw new IllegalArgumentException(kubeconfig + " does not name server " + apiServerUrl);
            }
            return Files.writeString(target, original.replace("server: " + apiServerUrl, "server: " + url()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loses every byte from now on, both ways, without closing anything. */
    public void partition() {
        state = State.PARTITIONED;
    }

    /** Resets every connection and closes new ones at once. */
    public void refuse() {
        state = State.REFUSING;
        closeAll();
    }

    /** Relays again; the connections that lived through the fault are closed, so clients reconnect. */
    public void heal() {
        closeAll();
        state = State.RELAYING;
    }

    private void closeAll() {
        open.forEach(ApiServerProxy::closeQuietly);
        open.clear();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            switch (state) {
                case REFUSING -> closeQuietly(client);
                case PARTITIONED -> {
                    // accepted by the kernel, as a SYN that got through would be; then silence
                    open.add(client);
                    pump(client, null);
                }
                case RELAYING -> relay(client);
            }
        }
    }

    private void relay(Socket client) {
        try {
            Socket upstream = new Socket();
            upstream.connect(target, 2000);
            open.add(client);
            open.add(upstream);
            pump(client, upstream);
            pump(upstream, client);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    /** Copies bytes while relaying and drops them while partitioned; {@code to} null drops everything. */
    private void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[16384];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to == null ? null : to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (out != null && state == State.RELAYING) {
                        out.write(buffer, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side went away: close both below
            } finally {
                closeQuietly(from);
                open.remove(from);
                if (to != null) {
                    closeQuietly(to);
                    open.remove(to);
                }
            }
        }, "api-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            // RST rather than FIN: what a vanished peer's kernel answers
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        closeAll();
    }
}
