package io.smtpprobe.engine.smtp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A fake SMTP server on 127.0.0.1 that plays a fixed script for one connection on a plain thread,
 * so misbehaviour (slow bytes, resets, injected data) is easy to write down. Everything the client
 * sends is recorded byte for byte, decoded as ISO-8859-1 so no byte is hidden. After the script the
 * peer keeps reading until the client closes, which also makes it a silent server. A script may go
 * on with {@link #nextConnection()}: the next connection, accepted after the first one closed,
 * plays what follows (a retry).
 */
final class ScriptedSmtpPeer implements AutoCloseable {

    @FunctionalInterface
    interface Step {
        void run(Session session) throws Exception;
    }

    private final List<List<Step>> connections = new ArrayList<>(List.of(new ArrayList<>()));
    private List<Step> steps = connections.get(0);
    private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
    private final List<String> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> rawReceived = Collections.synchronizedList(new ArrayList<>());
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final StringBuilder message = new StringBuilder();
    private ServerSocket server;
    private Thread thread;
    private volatile Socket socket;

    static ScriptedSmtpPeer script() {
        return new ScriptedSmtpPeer();
    }

    ScriptedSmtpPeer send(String raw) {
        steps.add(s -> s.write(raw.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** Reads one command line and checks that it starts with the prefix (case-insensitive). */
    ScriptedSmtpPeer expect(String prefix) {
        steps.add(s -> {
            String line = s.readLine();
            if (line == null || !line.toUpperCase().startsWith(prefix.toUpperCase())) {
                throw new IllegalStateException("expected " + prefix + " but got " + line);
            }
        });
        return this;
    }

    ScriptedSmtpPeer reply(String expectedPrefix, String reply) {
        return expect(expectedPrefix).send(reply);
    }

    /** The usual greeting and EHLO; the extensions are sent as 250- lines. */
    ScriptedSmtpPeer greeting(String... extensions) {
        send("220 mx.example.test ESMTP scripted\r\n");
        var ehlo = new StringBuilder();
        ehlo.append(extensions.length == 0 ? "250 " : "250-").append("mx.example.test\r\n");
        for (int i = 0; i < extensions.length; i++) {
            ehlo.append(i == extensions.length - 1 ? "250 " : "250-").append(extensions[i]).append("\r\n");
        }
        return reply("EHLO", ehlo.toString());
    }

    /** Reads the message after 354 up to the lone dot, keeping it exactly as received. */
    ScriptedSmtpPeer readMessage() {
        steps.add(s -> {
            String line;
            while ((line = s.readLine()) != null && !line.equals(".")) {
                synchronized (message) {
                    message.append(line).append("\r\n");
                }
            }
        });
        return this;
    }

    ScriptedSmtpPeer sendSlowly(String raw, Duration perByte) {
        steps.add(s -> {
            for (byte b : raw.getBytes(StandardCharsets.UTF_8)) {
                s.write(new byte[] {b});
                Thread.sleep(perByte.toMillis());
            }
        });
        return this;
    }

    /** Runs an action of the test at this point of the script, e.g. to break a component on cue. */
    ScriptedSmtpPeer thenRun(Runnable action) {
        steps.add(s -> action.run());
        return this;
    }

    ScriptedSmtpPeer pause(Duration duration) {
        steps.add(s -> Thread.sleep(duration.toMillis()));
        return this;
    }

    ScriptedSmtpPeer closeConnection() {
        steps.add(Session::close);
        return this;
    }

    /** Closes with SO_LINGER 0, which sends a TCP RST instead of a FIN. */
    ScriptedSmtpPeer resetConnection() {
        steps.add(s -> {
            s.socket.setSoLinger(true, 0);
            s.close();
        });
        return this;
    }

    ScriptedSmtpPeer startTls(SSLContext context) {
        steps.add(s -> s.startTls(context, socket -> { }));
        return this;
    }

    /** The server side of the handshake with its protocols or ciphers narrowed, e.g. to share none with the client. */
    ScriptedSmtpPeer startTls(SSLContext context, java.util.function.Consumer<SSLSocket> configure) {
        steps.add(s -> s.startTls(context, configure));
        return this;
    }

    /** Reads one TLS record (the client's ClientHello) without answering it. */
    ScriptedSmtpPeer readTlsRecord() {
        steps.add(Session::readTlsRecord);
        return this;
    }

    /** Raw bytes, e.g. a hand-made TLS record no JDK server would send. */
    ScriptedSmtpPeer sendBytes(byte[] raw) {
        steps.add(s -> s.write(raw));
        return this;
    }

    /** For implicit TLS: the handshake before the first byte. */
    ScriptedSmtpPeer tlsOnConnect(SSLContext context) {
        steps.add(0, s -> s.startTls(context, socket -> { }));
        return this;
    }

    /** What follows is played on the next connection, accepted once the current one was closed. */
    ScriptedSmtpPeer nextConnection() {
        steps = new ArrayList<>();
        connections.add(steps);
        return this;
    }

    /** How many connections the peer accepted so far. */
    int connectionsAccepted() {
        return accepted.get();
    }

    ScriptedSmtpPeer start() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "scripted-smtp-peer-" + server.getLocalPort());
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    int port() {
        return server.getLocalPort();
    }

    /** Command lines received, without line ends. */
    List<String> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Command lines received as they came, line end included, decoded as ISO-8859-1. */
    List<String> rawReceived() {
        synchronized (rawReceived) {
            return List.copyOf(rawReceived);
        }
    }

    String message() {
        synchronized (message) {
            return message.toString();
        }
    }

    List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** Waits for the script and the drain to end, i.e. for the client to have closed. */
    boolean awaitClientClosed(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    @Override
    public void close() throws Exception {
        server.close();
        Socket current = socket;
        if (current != null) {
            current.close();
        }
        thread.join(5000);
    }

    private void serve() {
        for (List<Step> script : connections) {
            if (!serve(script)) {
                return;
            }
        }
    }

    /** Plays one connection's script; false when the server socket was closed meanwhile. */
    private boolean serve(List<Step> script) {
        try (Socket accepting = server.accept()) {
            accepted.incrementAndGet();
            socket = accepting;
            accepting.setSoTimeout(15_000);
            var session = new Session(accepting);
            try {
                for (Step step : script) {
                    step.run(session);
                }
            } catch (Exception e) {
                errors.add(e.toString());
            }
            session.drain();
            return true;
        } catch (IOException e) {
            if (!server.isClosed()) {
                errors.add(e.toString());
            }
            return false;
        }
    }

    final class Session {
        private Socket socket;
        private InputStream in;
        private OutputStream out;

        Session(Socket socket) throws IOException {
            use(socket);
        }

        private void use(Socket next) throws IOException {
            socket = next;
            in = next.getInputStream();
            out = next.getOutputStream();
        }

        void write(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** One line up to LF, without CRLF; null at end of stream. */
        String readLine() throws IOException {
            var line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n') {
                    break;
                }
                line.write(b);
            }
            if (b == -1 && line.size() == 0) {
                return null;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            rawReceived.add(b == '\n' ? text + "\n" : text);
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            received.add(text);
            return text;
        }

        void readTlsRecord() throws IOException {
            byte[] header = in.readNBytes(5);
            int length = header.length == 5 ? ((header[3] & 0xff) << 8) | (header[4] & 0xff) : 0;
            in.readNBytes(length);
        }

        void startTls(SSLContext context, java.util.function.Consumer<SSLSocket> configure) throws IOException {
            var tls = (SSLSocket) context.getSocketFactory().createSocket(
                    socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            tls.setUseClientMode(false);
            configure.accept(tls);
            tls.startHandshake();
            use(tls);
            ScriptedSmtpPeer.this.socket = tls;
        }

        void close() throws IOException {
            socket.close();
        }

        private void drain() {
            try {
                if (!socket.isClosed()) {
                    while (readLine() != null) {
                        // recorded by readLine
                    }
                }
            } catch (IOException e) {
                // the client reset or the socket was closed by the script: nothing more to read
            }
        }
    }
}
