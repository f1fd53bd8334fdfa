package io.smtpprobe.bench;

import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's mail server on loopback: every session greets normally, reads EHLO (whose name tells
 * which resource is probing), then answers it in one of four hostile ways, in turn, each holding the
 * dialogue for many seconds before the client's limits end it:
 * <ul>
 * <li>{@code trickle}: one byte a second of a reply line that never ends (the deadlines end it);</li>
 * <li>{@code endless}: continuation lines without a last line, three a second (the 100-line limit, or a deadline);</li>
 * <li>{@code overlong}: one line growing by 70 bytes a second (the 2048-byte line limit, or a deadline);</li>
 * <li>{@code garbage}: after a long pause a reply whose code is no SMTP code.</li>
 * </ul>
 * Between writes it waits on the socket, not asleep, so it sees the client's close at once and
 * {@link #active()} counts only dialogues the client still holds.
 * It counts, per EHLO name, the sessions the client closed, with the time of each close, so the soak can
 * tell a probe cycle whose status never arrived.
 */
final class HostileSessions implements AutoCloseable {

    enum Behaviour { TRICKLE, ENDLESS, OVERLONG, GARBAGE }

    private final ServerSocket server;
    private final AtomicInteger sequence = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger maxActive = new AtomicInteger();
    private final AtomicLong sessions = new AtomicLong();
    /** Per EHLO name: the epoch milliseconds at which each of its sessions was closed. */
    private final Map<String, ConcurrentLinkedQueue<Long>> closedAt = new ConcurrentHashMap<>();
    private final Map<Behaviour, AtomicLong> byBehaviour = new ConcurrentHashMap<>();
    private final long garbageDelayMs;

    private HostileSessions(long garbageDelayMs) throws IOException {
        this.server = new ServerSocket(0, 2048, InetAddress.getLoopbackAddress());
        this.garbageDelayMs = garbageDelayMs;
        Thread acceptor = new Thread(this::acceptLoop, "hostile-sessions-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static HostileSessions start(long garbageDelayMs) throws IOException {
        return new HostileSessions(garbageDelayMs);
    }

    int port() {
        return server.getLocalPort();
    }

    int active() {
        return active.get();
    }

    int maxActive() {
        return maxActive.get();
    }

    long sessions() {
        return sessions.get();
    }

    Map<Behaviour, AtomicLong> byBehaviour() {
        return byBehaviour;
    }

    /** Sessions of this EHLO name the client closed before {@code epochMillis}. */
    long closedBefore(String ehloName, long epochMillis) {
        var closes = closedAt.get(ehloName);
        return closes == null ? 0 : closes.stream().filter(t -> t < epochMillis).count();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Behaviour behaviour = Behaviour.values()[sequence.getAndIncrement() % Behaviour.values().length];
                Thread serving = new Thread(() -> serve(socket, behaviour), "hostile-session");
                serving.setDaemon(true);
                serving.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket, Behaviour behaviour) {
        int now = active.incrementAndGet();
        maxActive.accumulateAndGet(now, Math::max);
        sessions.incrementAndGet();
        byBehaviour.computeIfAbsent(behaviour, b -> new AtomicLong()).incrementAndGet();
        String ehloName = null;
        try (socket) {
            OutputStream out = socket.getOutputStream();
            var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            write(out, "220 hostile.soak.test ESMTP\r\n");
            String line = in.readLine();
            if (line != null && line.regionMatches(true, 0, "EHLO ", 0, 5)) {
                ehloName = line.substring(5).trim();
                misbehave(socket, out, behaviour);
            }
            // whatever the client still says (QUIT after a timeout) is read until it closes
            socket.setSoTimeout(0);
            while (in.read() >= 0) {
                // discard
            }
        } catch (IOException closedByClient) {
            // a reset or a write into a closed socket ends the session like a close
        } finally {
            active.decrementAndGet();
            if (ehloName != null) {
                closedAt.computeIfAbsent(ehloName, k -> new ConcurrentLinkedQueue<>()).add(System.currentTimeMillis());
            }
        }
    }

    /** Writes until the client gives up (the write fails once it closed), or the behaviour's end. */
    private void misbehave(Socket socket, OutputStream out, Behaviour behaviour) throws IOException {
        switch (behaviour) {
            case TRICKLE -> {
                write(out, "250-");
                for (int i = 0; ; i++) {
                    pause(socket, 1000);
                    write(out, String.valueOf((char) ('a' + i % 26)));
                }
            }
            case ENDLESS -> {
                for (int i = 0; ; i++) {
                    write(out, "250-continuation " + i + " of a reply without end\r\n");
                    pause(socket, 333);
                }
            }
            case OVERLONG -> {
                write(out, "250-");
                String chunk = "x".repeat(70);
                while (true) {
                    write(out, chunk);
                    pause(socket, 1000);
                }
            }
            case GARBAGE -> {
                pause(socket, garbageDelayMs);
                write(out, "9x9 \u00ff\u00fe garbage where a reply code was due\r\n");
            }
            default -> throw new IllegalStateException(behaviour.name());
        }
    }

    /**
     * Waits on the socket for {@code millis}: what the client says meanwhile (a QUIT) is discarded,
     * and its close ends the session at once.
     */
    private static void pause(Socket socket, long millis) throws IOException {
        long end = System.nanoTime() + millis * 1_000_000;
        for (long left = millis; left > 0; left = (end - System.nanoTime()) / 1_000_000) {
            socket.setSoTimeout((int) Math.max(1, left));
            try {
                if (socket.getInputStream().read() < 0) {
                    throw new EOFException("closed by the client");
                }
            } catch (SocketTimeoutException quiet) {
                return;
            }
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
