package io.smtpprobe.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A mail server on a loopback address that accepts the first dialogue and refuses every later one with
 * markup in its reply text, so that the page has a flap to show and hostile text to escape. Plain SMTP,
 * one thread per connection; it never relays anything anywhere.
 */
final class BrowserPeer implements AutoCloseable {
    static final String HOSTILE = "5.1.1 <script>document.title='pwned'</script><img src=x onerror=alert(1)> no such user";

    private final ServerSocket server;
    private final AtomicInteger dialogues = new AtomicInteger();

    private BrowserPeer(ServerSocket server) {
        this.server = server;
        Thread accepting = new Thread(this::accept, "browser-peer");
        accepting.setDaemon(true);
        accepting.start();
    }

    static BrowserPeer start(String address, int port) throws IOException {
        var socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(address), port));
        return new BrowserPeer(socket);
    }

    int dialogues() {
        return dialogues.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                int number = dialogues.incrementAndGet();
                Thread t = new Thread(() -> talk(client, number), "browser-peer-" + number);
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void talk(Socket client, int number) {
        try (client) {
            client.setSoTimeout(30_000);
            var in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = client.getOutputStream();
            send(out, "220 mx.hostile.test ESMTP browser peer");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                switch (verb) {
                    case "EHLO" -> send(out, "250-mx.hostile.test\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES");
                    case "HELO" -> send(out, "250 mx.hostile.test");
                    case "MAIL" -> send(out, "250 2.1.0 Ok");
                    case "RCPT" -> send(out, number == 1 ? "250 2.1.5 Ok" : "550 " + HOSTILE);
                    case "QUIT" -> {
                        send(out, "221 2.0.0 Bye");
                        return;
                    }
                    default -> send(out, "250 2.0.0 Ok");
                }
            }
        } catch (IOException gone) {
            // the probe closed first: nothing to clean up
        }
    }

    private static void send(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
