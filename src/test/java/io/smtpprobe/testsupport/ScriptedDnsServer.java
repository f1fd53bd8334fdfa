package io.smtpprobe.testsupport;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * An in-process DNS server on 127.0.0.1 (UDP and TCP on the same port) that answers as a
 * {@link Script} says: for the misbehaviour a real server will not produce on demand, such as
 * SERVFAIL, silence, truncation or CNAME loops.
 */
public final class ScriptedDnsServer implements AutoCloseable {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** Decides the reply to each question. */
    @FunctionalInterface
    public interface Script {
        Reply reply(Question question);
    }

    public record Question(Name name, int type, boolean overTcp) {
    }

    /** {@code silent}: no reply at all; {@code truncated}: the TC flag is set. */
    public record Reply(int rcode, List<Record> answers, boolean truncated, boolean silent) {
        public Reply {
            answers = List.copyOf(answers);
        }

        public static Reply records(Record... answers) {
            return new Reply(Rcode.NOERROR, List.of(answers), false, false);
        }

        public static Reply rcode(int rcode) {
            return new Reply(rcode, List.of(), false, false);
        }

        public static Reply truncation() {
            return new Reply(Rcode.NOERROR, List.of(), true, false);
        }

        public static Reply noReply() {
            return new Reply(Rcode.NOERROR, List.of(), false, true);
        }
    }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Script script;
    private final List<Question> questions = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private ScriptedDnsServer(DatagramSocket udp, ServerSocket tcp, Script script) {
        this.udp = udp;
        this.tcp = tcp;
        this.script = script;
    }

    public static ScriptedDnsServer start(Script script) {
        for (int attempt = 0; attempt < 20; attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                ServerSocket tcp = new ServerSocket();
                tcp.bind(new InetSocketAddress(LOOPBACK, udp.getLocalPort()));
                ScriptedDnsServer server = new ScriptedDnsServer(udp, tcp, script);
                server.serve();
                return server;
            } catch (IOException portTakenOverTcp) {
                if (udp != null) {
                    udp.close();
                }
            }
        }
        throw new IllegalStateException("no free port for both UDP and TCP on " + LOOPBACK);
    }

    public int port() {
        return udp.getLocalPort();
    }

    /** {@code 127.0.0.1:PORT}, as resolver settings take it. */
    public String endpoint() {
        return LOOPBACK.getHostAddress() + ":" + port();
    }

    /** Every question received, in order. */
    public List<Question> questions() {
        return List.copyOf(questions);
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket connection : connections) {
            try {
                connection.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void serve() {
        daemon("scripted-dns-udp", this::serveUdp);
        daemon("scripted-dns-tcp", this::acceptTcp);
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!udp.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                byte[] reply = answer(Arrays.copyOf(packet.getData(), packet.getLength()), false);
                if (reply != null) {
                    udp.send(new DatagramPacket(reply, reply.length, packet.getSocketAddress()));
                }
            } catch (IOException closedOrGarbage) {
                // a closed socket ends the loop; a garbled query is ignored like a real server would
            }
        }
    }

    private void acceptTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket connection = tcp.accept();
                connections.add(connection);
                daemon("scripted-dns-tcp-connection", () -> serveTcp(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serveTcp(Socket connection) {
        try (connection;
             DataInputStream in = new DataInputStream(connection.getInputStream());
             DataOutputStream out = new DataOutputStream(connection.getOutputStream())) {
            while (true) {
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                byte[] reply = answer(query, true);
                if (reply != null) {
                    out.writeShort(reply.length);
                    out.write(reply);
                    out.flush();
                }
            }
        } catch (IOException endOfConnection) {
            // the client hung up or the server closed
        }
    }

    private byte[] answer(byte[] wire, boolean overTcp) throws IOException {
        Message query = new Message(wire);
        Record question = query.getQuestion();
        Question asked = new Question(question.getName(), question.getType(), overTcp);
        questions.add(asked);
        Reply reply = script.reply(asked);
        if (reply.silent()) {
            return null;
        }
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        if (reply.truncated()) {
            response.getHeader().setFlag(Flags.TC);
        }
        response.getHeader().setRcode(reply.rcode());
        response.addRecord(question, Section.QUESTION);
        reply.answers().forEach(answer -> response.addRecord(answer, Section.ANSWER));
        return response.toWire();
    }

    private static void daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
    }
}
