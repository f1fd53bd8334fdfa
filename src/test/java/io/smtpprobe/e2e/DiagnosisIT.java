package io.smtpprobe.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.testsupport.ControlPlane;
import io.smtpprobe.testsupport.Dnsmasq;
import io.smtpprobe.testsupport.Postfix;
import io.smtpprobe.testsupport.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The diagnoses beyond the verdict on a real kube-apiserver, against real mail servers on loopback: a
 * backup MX that accepts what the primary rejects ({@code MxConsistent} False and its Warning), and a
 * certificate ending in three days ({@code CertificateExpiringSoon} True, its Warning, and the
 * fingerprint in {@code .status} as {@code openssl} computes it).
 *
 * <p>The primary is Postfix (it knows only {@code user@backup.test}, so {@code nobody@} gets 550 5.1.1, and
 * it offers STARTTLS with the short-lived certificate); the backup is Postfix's {@code smtp-sink}, which
 * accepts every recipient as a backup MX without a recipient list does. Both listen on the same port,
 * on two loopback addresses that dnsmasq gives as MX 10 and MX 20.
 */
@Tag("e2e")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiagnosisIT {
    private static final String NAMESPACE = "diagnosis";
    private static final String BACKUP_ADDRESS = "127.0.0.7";
    private static final Path CRDS = Path.of("crds");

    private ControlPlane controlPlane;
    private Postfix primary;
    private Process sink;
    private Dnsmasq dns;
    private OperatorProcess operator;
    private Path scratch;
    private Instant notAfter;

    @BeforeAll
    void startMailWorldAndOperator() throws IOException {
        controlPlane = ControlPlane.shared();
        scratch = Files.createTempDirectory("diagnosis-it-");
        var authority = TestCertificates.authority("Diagnosis Test CA");
        notAfter = Instant.now().plus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        var certificate = TestCertificates.server(authority, "mx.expiring.test", Instant.now().minus(Duration.ofDays(60)),
                notAfter, TestCertificates.KeyType.RSA);
        TestCertificates.writePem(certificate, scratch);
        primary = Postfix.builder().myhostname("mx1.backup.test")
                .domain("backup.test", "user").domain("expiring.test", "user")
                .startTls(scratch.resolve("cert.pem"), scratch.resolve("key.pem")).start();
        sink = startSink(BACKUP_ADDRESS, primary.port());
        dns = Dnsmasq.builder()
                .mx("backup.test", "mx1.backup.test", 10).host("mx1.backup.test", Postfix.HOST)
                .mx("backup.test", "mx2.backup.test", 20).host("mx2.backup.test", BACKUP_ADDRESS)
                .mx("expiring.test", "mx.expiring.test", 10).host("mx.expiring.test", Postfix.HOST)
                .start();

        controlPlane.kubectl("apply", "--server-side", "--force-conflicts", "-f", CRDS.toString());
        controlPlane.kubectl("wait", "--for=condition=Established", "--timeout=30s", "crd/smtpprobes.smtpprobe.io");
        controlPlane.kubectl("apply", "-f", write("namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: "
                + NAMESPACE + "\n").toString());
        operator = OperatorProcess.start("diagnosis", controlPlane.kubeconfigPath(), Map.of(
                "SMTPPROBE_WATCH_NAMESPACES", NAMESPACE,
                "SMTPPROBE_LEADER_ELECTION_ENABLED", "false",
                "SMTPPROBE_DNS_SERVERS", dns.endpoint(),
                "SMTPPROBE_POLICY_ALLOWED_PORTS", Integer.toString(primary.port()),
                "SMTPPROBE_POLICY_ALLOWED_NETWORKS", "127.0.0.0/8"));
    }

    @AfterAll
    void stopEverything() {
        if (operator != null) {
            operator.close();
        }
        if (controlPlane != null) {
            controlPlane.kubectl("delete", "namespace", NAMESPACE, "--wait=false", "--ignore-not-found");
        }
        if (sink != null) {
            sink.destroy();
            try {
                sink.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dns != null) {
            dns.close();
        }
        if (primary != null) {
            primary.close();
        }
    }

    @Test
    void backupMxAcceptingWhatThePrimaryRejectsIsAConditionAndAWarning() {
        apply("backup", "backup.test", "nobody@backup.test", "  mxPolicy: All\n");

        awaitUntil(Duration.ofSeconds(60), () -> !condition("backup", "MxConsistent", "status").isEmpty(),
                () -> controlPlane.kubectl("get", "smtpprobe", "backup", "-n", NAMESPACE, "-o", "yaml") + operator.log());

        assertThat(jsonpath("backup", "{.status.result} {.status.reason}")).isEqualTo("PermanentFailure RecipientUnknown");
        assertThat(condition("backup", "MxConsistent", "status")).isEqualTo("False");
        assertThat(condition("backup", "MxConsistent", "reason")).isEqualTo("BackupMxAcceptsRejected");
        String port = Integer.toString(primary.port());
        assertThat(condition("backup", "MxConsistent", "message")).startsWith(
                "backup.test: backup MX accepts what a preferred MX rejects (a backscatter path): MX 10 mx1.backup.test (127.0.0.1:"
                        + port + ") RCPT 550 5.1.1 <nobody@backup.test>: Recipient address rejected: User unknown")
                .contains(", but MX 20 mx2.backup.test (" + BACKUP_ADDRESS + ":" + port + ") accepted (250");
        awaitUntil(Duration.ofSeconds(20), () -> events("BackupMxAcceptsRejected").contains("Warning"), operator::log);
        String described = controlPlane.kubectl("describe", "smtpprobe", "backup", "-n", NAMESPACE);
        System.out.println(described);
        assertThat(described).containsPattern("Warning\\s+BackupMxAcceptsRejected\\s+\\S+\\s+smtp-probe-operator\\s+backup.test: backup MX");
    }

    @Test
    void certificateEndingInThreeDaysIsExpiringSoonWithItsFingerprintInTheStatus() throws Exception {
        apply("expiring", "expiring.test", "user@expiring.test", "");

        awaitUntil(Duration.ofSeconds(60), () -> !condition("expiring", "CertificateExpiringSoon", "status").isEmpty(),
                () -> controlPlane.kubectl("get", "smtpprobe", "expiring", "-n", NAMESPACE, "-o", "yaml") + operator.log());

        assertThat(jsonpath("expiring", "{.status.result} {.status.reason}")).isEqualTo("Success Accepted");
        assertThat(condition("expiring", "CertificateExpiringSoon", "status")).isEqualTo("True");
        assertThat(condition("expiring", "CertificateExpiringSoon", "reason")).isEqualTo("CertificateExpiringSoon");
        assertThat(condition("expiring", "CertificateExpiringSoon", "message")).isEqualTo("mx.expiring.test:" + primary.port()
                + " certificate expires at " + notAfter + " (in 2 days)");
        assertThat(jsonpath("expiring", "{.status.domains[0].servers[0].tls.certificate.sha256}"))
                .isEqualTo(opensslSha256(scratch.resolve("cert.pem")));
        awaitUntil(Duration.ofSeconds(20), () -> events("CertificateExpiringSoon").contains("Warning"), operator::log);
        System.out.println(controlPlane.kubectl("describe", "smtpprobe", "expiring", "-n", NAMESPACE));
    }

    private void apply(String name, String domain, String recipient, String extraSpec) {
        Path file = write(name + ".yaml", "apiVersion: smtpprobe.io/v1alpha1\nkind: SmtpProbe\nmetadata:\n  name: " + name
                + "\n  namespace: " + NAMESPACE + "\nspec:\n  domains: [\"" + domain + "\"]\n  rcptTo: [\"" + recipient + "\"]\n"
                + "  port: " + primary.port() + "\n  interval: 30s\n" + extraSpec);
        controlPlane.kubectl("apply", "-f", file.toString());
    }

    private String condition(String name, String type, String field) {
        return jsonpath(name, "{.status.conditions[?(@.type==\"" + type + "\")]." + field + "}");
    }

    private String jsonpath(String name, String expression) {
        return controlPlane.kubectl("get", "smtpprobe", name, "-n", NAMESPACE, "-o", "jsonpath=" + expression).strip();
    }

    /** The types of the Events with this reason. */
    private String events(String reason) {
        return controlPlane.kubectl("get", "events", "-n", NAMESPACE, "--field-selector", "reason=" + reason,
                "-o", "jsonpath={.items[*].type}");
    }

    /** The fingerprint as an admin computes it from the certificate Postfix serves (leaf first in the chain). */
    private static String opensslSha256(Path chainPem) throws IOException, InterruptedException {
        Process der = new ProcessBuilder("sh", "-c", "openssl x509 -in \"$0\" -outform DER | sha256sum", chainPem.toString())
                .redirectErrorStream(true).start();
        String out = new String(der.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(der.waitFor()).as(out).isZero();
        return out.split("\\s+")[0];
    }

    /** Postfix's smtp-sink, accepting every command with 250 as a backup MX without a recipient list does. */
    private static Process startSink(String address, int port) {
        try {
            Process process = new ProcessBuilder("/usr/sbin/smtp-sink", "-u", "nobody", address + ":" + port, "64")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try (var socket = new java.net.Socket(address, port)) {
                    return process;
                } catch (IOException notYet) {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("smtp-sink exited with " + process.exitValue());
                    }
                    OperatorProcess.sleep(100);
                }
            }
            process.destroyForcibly();
            throw new IllegalStateException("smtp-sink did not listen on " + address + ":" + port + " within 10 s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path write(String name, String content) {
        try {
            return Files.writeString(scratch.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitUntil(Duration timeout, Supplier<Boolean> condition, Supplier<String> diagnostics) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + timeout + ":\n" + diagnostics.get());
            }
            OperatorProcess.sleep(250);
        }
    }
}
