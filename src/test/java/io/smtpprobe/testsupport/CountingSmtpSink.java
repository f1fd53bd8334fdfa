package io.smtpprobe.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A polite loopback SMTP server that accepts every recipient and keeps nothing but a log of who was
 * asked about when: one entry per {@code RCPT TO}, stamped with {@link System#nanoTime()} of this JVM. Tests
 * give each resource its own recipient and count its probes.
 */
public final class CountingSmtpSink implements AutoCloseable {
    /** One RCPT TO: the mailbox, lower case without angle brackets, and when it arrived. */
    public record Rcpt(String mailbox, long nanos) {
    }

    private final ServerSocket server;
    private final List<Rcpt> rcpts = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private CountingSmtpSink() {
        try {
            server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::acceptLoop, "counting-smtp-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static CountingSmtpSink start() {
        return new CountingSmtpSink();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Every RCPT TO so far, in order of arrival. */
    public List<Rcpt> rcpts() {
        return List.copyOf(rcpts);
    }

    /** RCPT TOs of one mailbox so far. */
    public long count(String mailbox) {
        return rcpts.stream().filter(r -> r.mailbox().equals(mailbox)).count();
    }

    /** RCPT TOs of any mailbox that arrived after {@code nanos} ({@link System#nanoTime()}). */
    public List<Rcpt> since(long nanos) {
        return rcpts.stream().filter(r -> r.nanos() - nanos > 0).toList();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "counting-smtp-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(60_000);
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            reply(out, "220 sink.faults.test ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String verb = line.length() < 4 ? line.toUpperCase(Locale.ROOT) : line.substring(0, 4).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO", "HELO" -> reply(out, "250 sink.faults.test");
                    case "RCPT" -> {
                        rcpts.add(new Rcpt(mailbox(line), System.nanoTime()));
                        reply(out, "250 2.1.5 ok");
                    }
                    case "DATA" -> reply(out, "554 5.5.1 no data here");
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> reply(out, "250 2.0.0 ok");
                }
            }
        } catch (IOException e) {
            // the probe went away
        } finally {
            sockets.remove(s);
        }
    }

    private static String mailbox(String rcptLine) {
        int open = rcptLine.indexOf('<');
        int close = rcptLine.indexOf('>', open + 1);
        return open < 0 || close < 0 ? rcptLine : rcptLine.substring(open + 1, close).toLowerCase(Locale.ROOT);
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
