package io.smtpprobe.engine.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A loopback SMTP peer for what one connection cannot show: it answers its first connection with
 * the first script, the next with the second, and so on (a greylister lets the retry through).
 * A script is a list of lines: {@code "> text"} is sent with CRLF, anything else is the prefix the
 * next command must start with. Commands are recorded per connection.
 */
final class SuccessiveConnectionsPeer implements AutoCloseable {
    private final List<List<String>> scripts;
    private final List<List<String>> received = Collections.synchronizedList(new ArrayList<>());
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private final ServerSocket server;
    private final Thread thread;

    @SafeVarargs
    SuccessiveConnectionsPeer(List<String>... scripts) throws IOException {
        this.scripts = List.of(scripts);
        server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        thread = new Thread(this::serve, "successive-connections-peer-" + server.getLocalPort());
        thread.setDaemon(true);
        thread.start();
    }

    int port() {
        return server.getLocalPort();
    }

    /** Commands per connection, in order. */
    List<List<String>> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    private void serve() {
        for (List<String> script : scripts) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(15_000);
                List<String> commands = Collections.synchronizedList(new ArrayList<>());
                received.add(commands);
                var in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
                OutputStream out = socket.getOutputStream();
                for (String line : script) {
                    if (line.startsWith("> ")) {
                        out.write((line.substring(2) + "\r\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        continue;
                    }
                    String command = in.readLine();
                    commands.add(command);
                    if (command == null || !command.toUpperCase().startsWith(line.toUpperCase())) {
                        errors.add("expected " + line + " but got " + command);
                        break;
                    }
                }
                // until the client closes: the next connection is a new dialogue, not this one's tail
                for (String extra; (extra = in.readLine()) != null; ) {
                    commands.add(extra);
                }
            } catch (IOException e) {
                if (!server.isClosed()) {
                    errors.add(e.toString());
                }
                return;
            }
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
        thread.join(5000);
    }
}
