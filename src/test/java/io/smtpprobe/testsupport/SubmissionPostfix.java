package io.smtpprobe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A submission service: a private {@link Postfix} with Cyrus SASL (sasldb, PLAIN and LOGIN) that
 * offers AUTH only over TLS and relays only for logged-in clients, as port 587 does
 * ({@code smtpd_tls_security_level = encrypt}, {@code smtpd_tls_auth_only}); or, with
 * {@link #implicitTls}, TLS from the first byte as port 465 does ({@code smtpd_tls_wrappermode}).
 * Like every test Postfix it listens on 127.0.0.1 only and discards all it accepts. Needs root,
 * postfix, sasl2-bin and libsasl2-modules (hack/install-deps.sh).
 */
public final class SubmissionPostfix implements AutoCloseable {

    public static final String HOST_NAME = "submit.example.test";

    private static final Path SASLPASSWD = Path.of("/usr/sbin/saslpasswd2");

    private final Postfix postfix;
    private final Path saslDir;

    private SubmissionPostfix(Postfix postfix, Path saslDir) {
        this.postfix = postfix;
        this.saslDir = saslDir;
    }

    /**
     * @param certificateDir holds cert.pem and key.pem ({@link TestCertificates#writePem}) for {@link #HOST_NAME}
     * @param domain         a domain whose every recipient is accepted without login (the service's own)
     */
    public static SubmissionPostfix start(Path certificateDir, String domain, String user, String password,
                                          boolean implicitTls) {
        if (!Files.isExecutable(SASLPASSWD)) {
            throw new IllegalStateException("sasl2-bin is not installed: run hack/install-deps.sh");
        }
        Path saslDir = saslDatabase(user, password);
        try {
            Postfix.Builder builder = Postfix.builder().myhostname(HOST_NAME).catchAllDomain(domain)
                    // Debian's smtpd reads $config_directory/sasl/smtpd.conf and ignores cyrus_sasl_config_path
                    .configFile("sasl/smtpd.conf", Files.readString(saslDir.resolve("smtpd.conf")))
                    .startTls(certificateDir.resolve("cert.pem"), certificateDir.resolve("key.pem"))
                    .mainCf("smtpd_sasl_auth_enable", "yes")
                    .mainCf("smtpd_sasl_type", "cyrus")
                    .mainCf("smtpd_sasl_path", "smtpd")
                    .mainCf("smtpd_sasl_local_domain", HOST_NAME)
                    .mainCf("smtpd_sasl_security_options", "noanonymous")
                    .mainCf("smtpd_tls_auth_only", "yes")
                    // a submission service: only a logged-in client may send anywhere
                    .mainCf("smtpd_relay_restrictions", "permit_sasl_authenticated, reject_unauth_destination")
                    .mainCf("smtpd_tls_security_level", implicitTls ? "may" : "encrypt");
            if (implicitTls) {
                builder.implicitTls();
            }
            return new SubmissionPostfix(builder.start(), saslDir);
        } catch (IOException e) {
            delete(saslDir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            delete(saslDir);
            throw e;
        }
    }

    public int port() {
        return postfix.port();
    }

    public String host() {
        return postfix.host();
    }

    public String maillog() {
        return postfix.maillog();
    }

    public Postfix postfix() {
        return postfix;
    }

    @Override
    public void close() {
        try {
            postfix.close();
        } finally {
            delete(saslDir);
        }
    }

    /** smtpd.conf and a sasldb with one user in the realm {@link #HOST_NAME}; the password goes in on stdin. */
    private static Path saslDatabase(String user, String password) {
        try {
            Path dir = Files.createTempDirectory("sasl-");
            // smtpd runs as the postfix user and reads both files
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path db = dir.resolve("sasldb2");
            Files.writeString(dir.resolve("smtpd.conf"), String.join("\n", List.of(
                    "pwcheck_method: auxprop", "auxprop_plugin: sasldb", "mech_list: PLAIN LOGIN",
                    "sasldb_path: " + db, "")), StandardCharsets.UTF_8);
            Process process = new ProcessBuilder(SASLPASSWD.toString(), "-p", "-c", "-f", db.toString(), "-u", HOST_NAME,
                    user).redirectErrorStream(true).start();
            process.getOutputStream().write(password.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("saslpasswd2 failed: " + output);
            }
            Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-r--r--"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
