package io.smtpprobe.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An SMTP server on loopback whose first {@code fastSessions} sessions accept everything at once, and
 * every later one stops answering at RCPT TO: a dialogue held in flight for as long as a test needs. It
 * records what each session received and when the client closed it, so a test can tell whether the
 * operator said QUIT and closed the socket when it stopped (SIGTERM, a deleted resource).
 */
final class StallingSmtpPeer implements AutoCloseable {

    /** One connection: the command lines in order, and the moment the client closed it. */
    static final class Session {
        final List<String> received = new CopyOnWriteArrayList<>();
        final CountDownLatch stalled = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);

        boolean awaitStalled(Duration timeout) throws InterruptedException {
            return stalled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        boolean awaitClosed(Duration timeout) throws InterruptedException {
            return closed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private final ServerSocket server;
    private final int fastSessions;
    private final List<Session> sessions = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private StallingSmtpPeer(int fastSessions) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.fastSessions = fastSessions;
        this.acceptor = new Thread(this::acceptLoop, "stalling-smtp-peer-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static StallingSmtpPeer start(int fastSessions) {
        try {
            return new StallingSmtpPeer(fastSessions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** The sessions so far, in the order they connected. */
    List<Session> sessions() {
        return List.copyOf(sessions);
    }

    /** Waits for the session with this index (0-based) to connect. */
    Session awaitSession(int index, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sessions.size() <= index) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("session " + index + " never connected within " + timeout + " (" + sessions.size()
                        + " sessions)");
            }
            Thread.sleep(50);
        }
        return sessions.get(index);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                sockets.add(socket);
                Session session = new Session();
                boolean stall = sessions.size() >= fastSessions;
                sessions.add(session);
                Thread serving = new Thread(() -> serve(socket, session, stall), "stalling-smtp-session");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private static void serve(Socket socket, Session session, boolean stall) {
        try (socket) {
            OutputStream out = socket.getOutputStream();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            reply(out, "220 mx.stall.test ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                session.received.add(line);
                String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
                switch (verb) {
                    case "EHLO" -> reply(out, "250 mx.stall.test");
                    case "QUIT" -> reply(out, "221 2.0.0 Bye");
                    case "RCPT" -> {
                        if (stall) {
                            // never answered: the dialogue stays in flight until the client gives up
                            session.stalled.countDown();
                        } else {
                            reply(out, "250 2.1.5 Ok");
                        }
                    }
                    default -> reply(out, "250 2.0.0 Ok");
                }
            }
        } catch (IOException reset) {
            // a reset is a close too
        } finally {
            session.closed.countDown();
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
