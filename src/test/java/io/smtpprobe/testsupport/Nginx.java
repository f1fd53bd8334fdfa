package io.smtpprobe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real nginx (Debian's nginx-light) serving MTA-STS policy files over HTTPS on 127.0.0.1 and a
 * free port, one virtual host per policy host name told apart by SNI, each with its own
 * certificate. Configuration, certificates, logs and temp files live in a temp directory; it
 * runs as one process in the foreground and serves nothing but the files it was given.
 *
 * <pre>{@code
 * try (Nginx https = Nginx.builder()
 *         .policy("mta-sts.fabrikam.test", TestCertificates.server(ca, "mta-sts.fabrikam.test"), "version: STSv1\n...")
 *         .start()) {
 *     fetch from https.port()
 * }
 * }</pre>
 */
public final class Nginx implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/nginx");
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration STARTUP = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 5;

    private final Process process;
    private final Path directory;
    private final int port;

    private Nginx(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    public static Builder builder() {
        return new Builder();
    }

    public int port() {
        return port;
    }

    /** The requests served so far, one line each: {@code HOST "GET /path HTTP/1.1" STATUS BYTES}. */
    public List<String> accessLog() {
        try {
            Path log = directory.resolve("access.log");
            return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String errorLog() {
        try {
            return Files.readString(directory.resolve("error.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }

    public static final class Builder {
        private record Site(String name, TestCertificates.Issued certificate, String body, String directives) {
        }

        private final List<Site> sites = new ArrayList<>();

        private Builder() {
        }

        /** Serves {@code body} as {@code text/plain} at {@code /.well-known/mta-sts.txt}. */
        public Builder policy(String host, TestCertificates.Issued certificate, String body) {
            return site(host, certificate, body, "default_type text/plain;");
        }

        /**
         * Serves {@code body} (null: no file, 404) at the policy path with these extra nginx directives
         * in its {@code location}, e.g. {@code return 301 https://...;}, {@code default_type text/html;}
         * or {@code limit_rate 100;}.
         */
        public Builder site(String host, TestCertificates.Issued certificate, String body, String directives) {
            sites.add(new Site(host, certificate, body, directives));
            return this;
        }

        public Nginx start() {
            if (!Files.isExecutable(BINARY)) {
                throw new IllegalStateException(BINARY + " is missing: run hack/install-deps.sh (package nginx-light)");
            }
            IllegalStateException last = null;
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                try {
                    return startOnce(freePort());
                } catch (IllegalStateException e) {
                    // most likely another test took the port between probing and binding it
                    last = e;
                }
            }
            throw last;
        }

        private Nginx startOnce(int port) {
            Path directory;
            try {
                directory = Files.createTempDirectory("nginx-");
                Files.createDirectories(directory.resolve("tmp"));
                Files.writeString(directory.resolve("nginx.conf"), config(directory, port), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Process process;
            try {
                process = new ProcessBuilder(BINARY.toString(), "-p", directory.toString(), "-c",
                        directory.resolve("nginx.conf").toString(), "-e", directory.resolve("error.log").toString())
                        .redirectErrorStream(true)
                        .redirectOutput(directory.resolve("stdout.log").toFile())
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Nginx nginx = new Nginx(process, directory, port);
            try {
                nginx.awaitListening();
                return nginx;
            } catch (RuntimeException e) {
                String log = nginx.errorLog();
                nginx.close();
                throw new IllegalStateException("nginx did not start on port " + port + ":\n" + log, e);
            }
        }

        private String config(Path dir, int port) throws IOException {
            StringBuilder conf = new StringBuilder()
                    .append("daemon off;\nmaster_process off;\nworker_processes 1;\n")
                    .append("pid ").append(dir.resolve("nginx.pid")).append(";\n")
                    .append("error_log ").append(dir.resolve("error.log")).append(" info;\n")
                    .append("events { worker_connections 64; }\n")
                    .append("http {\n")
                    .append("  log_format sts '$ssl_server_name \"$request\" $status $body_bytes_sent';\n")
                    .append("  access_log ").append(dir.resolve("access.log")).append(" sts;\n");
            for (String temp : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
                conf.append("  ").append(temp).append("_temp_path ").append(dir.resolve("tmp").resolve(temp)).append(";\n");
            }
            for (Site site : sites) {
                Path siteDir = Files.createDirectories(dir.resolve("sites").resolve(site.name()));
                TestCertificates.writePem(site.certificate(), siteDir);
                conf.append("  server {\n")
                        .append("    listen ").append(LOOPBACK.getHostAddress()).append(':').append(port).append(" ssl;\n")
                        .append("    server_name ").append(site.name()).append(";\n")
                        .append("    ssl_certificate ").append(siteDir.resolve("cert.pem")).append(";\n")
                        .append("    ssl_certificate_key ").append(siteDir.resolve("key.pem")).append(";\n")
                        .append("    root ").append(siteDir.resolve("www")).append(";\n")
                        .append("    location = /.well-known/mta-sts.txt {\n")
                        .append("      ").append(site.directives()).append("\n")
                        .append("    }\n")
                        .append("  }\n");
                Path wellKnown = Files.createDirectories(siteDir.resolve("www").resolve(".well-known"));
                if (site.body() != null) {
                    Files.writeString(wellKnown.resolve("mta-sts.txt"), site.body(), StandardCharsets.UTF_8);
                }
            }
            return conf.append("}\n").toString();
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nginx exited with " + process.exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(LOOPBACK, port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        throw new IllegalStateException("nginx did not listen within " + STARTUP);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(LOOPBACK, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
