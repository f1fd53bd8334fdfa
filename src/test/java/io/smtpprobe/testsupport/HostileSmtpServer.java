package io.smtpprobe.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback SMTP server that serves any number of connections, each in one hostile way: a tarpit
 * that never says a word, or a server that pads every reply to 100 lines of junk (400 lines per
 * dialogue). It counts the connections the client closed, so a test can see sockets really end.
 */
public final class HostileSmtpServer implements AutoCloseable {
    public enum Mode {
        /** Accepts and never writes. */
        TARPIT,
        /** Every reply padded to 100 lines of 500 bytes of junk. */
        JUNK,
        /** A greeting that never ends: 99 continuation lines just under the 2048-byte limit, then silence. */
        ENDLESS_GREETING
    }

    /** Junk lines per reply: one short of the probe's 100-line limit, so every dialogue completes. */
    public static final int JUNK_LINES = 99;
    public static final int JUNK_LENGTH = 500;
    /** Just under the probe's line limit of 2048 bytes with the code and CRLF. */
    public static final int LONG_LINE_LENGTH = 2040;

    private final Mode mode;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final AtomicInteger sentAll = new AtomicInteger();

    private HostileSmtpServer(Mode mode) throws IOException {
        this.mode = mode;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "hostile-smtp-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static HostileSmtpServer start(Mode mode) throws IOException {
        return new HostileSmtpServer(mode);
    }

    public int port() {
        return server.getLocalPort();
    }

    public int accepted() {
        return accepted.get();
    }

    /** Connections that were sent the whole endless greeting. */
    public int sentAll() {
        return sentAll.get();
    }

    public int closedByClient() {
        return closedByClient.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                accepted.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "hostile-smtp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            if (mode == Mode.ENDLESS_GREETING) {
                StringBuilder greeting = new StringBuilder();
                for (int i = 0; i < JUNK_LINES; i++) {
                    greeting.append("220-").append(String.valueOf((char) ('a' + i % 26)).repeat(LONG_LINE_LENGTH)).append("\r\n");
                }
                out.write(greeting.toString().getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                sentAll.incrementAndGet();
            }
            if (mode == Mode.JUNK) {
                out.write(junk(220).getBytes(StandardCharsets.ISO_8859_1));
                String line;
                while ((line = in.readLine()) != null) {
                    boolean quit = line.toUpperCase().startsWith("QUIT");
                    out.write((quit ? "221 bye\r\n" : junk(250)).getBytes(StandardCharsets.ISO_8859_1));
                    if (quit) {
                        break;
                    }
                }
            }
            // a tarpit (and a junk server after QUIT) reads until the client closes
            while (in.read() >= 0) {
                // discard
            }
            closedByClient.incrementAndGet();
        } catch (IOException e) {
            closedByClient.incrementAndGet();
        }
    }

    private static String junk(int code) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < JUNK_LINES; i++) {
            sb.append(code).append('-').append(("JUNK" + i + "-").repeat(JUNK_LENGTH / 4), 0, JUNK_LENGTH).append("\r\n");
        }
        return sb.append(code).append(" ok\r\n").toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
