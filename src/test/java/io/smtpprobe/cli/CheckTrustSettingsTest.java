package io.smtpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.engine.dane.DaneSettings;
import io.smtpprobe.testsupport.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --dnssec-trust-anchors} and {@code --sts-ca-file}: read before the run, a bad file is a usage error naming it. */
class CheckTrustSettingsTest {
    @TempDir
    Path dir;

    private record Run(int exit, String stderr) {
    }

    private static Run check(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = CheckCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void trustAnchorsAndCaBundleFromFilesAreParsedIntoTheRun() throws Exception {
        Path anchors = Files.writeString(dir.resolve("root.ds"), DaneSettings.ROOT_TRUST_ANCHORS);
        TestCertificates.writePem(TestCertificates.authority("Private CA"), dir);

        var parsed = CheckArguments.parse(new String[] {"--dnssec-trust-anchors", anchors.toString(),
            "--sts-ca-file", dir.resolve("cert.pem").toString(), "example.test"});

        assertThat(parsed.daneTrustAnchors()).isEqualTo(DaneSettings.ROOT_TRUST_ANCHORS);
        assertThat(parsed.stsTrust()).isNotNull();
    }

    @Test
    void withoutTheOptionsTheRootKeysAndTheJvmTrustStoreApply() {
        var parsed = CheckArguments.parse(new String[] {"example.test"});

        assertThat(parsed.daneTrustAnchors()).isNull();
        assertThat(parsed.stsTrust()).isNull();
    }

    @Test
    void aMissingTrustAnchorFileIsAUsageErrorNamingOptionAndFile() {
        Run run = check("--dnssec-trust-anchors", dir.resolve("nope.ds").toString(), "example.test");

        assertThat(run.exit()).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(run.stderr()).contains("check: invalid --dnssec-trust-anchors: ")
                .contains("nope.ds: cannot read (NoSuchFileException").doesNotContain("\tat ");
    }

    @Test
    void aTrustAnchorFileWithoutDsOrDnskeyRecordsIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.ds"), "; only a comment\n");
        Path address = Files.writeString(dir.resolve("a.ds"), "ns.example.test. 300 IN A 192.0.2.1\n");
        Path garbage = Files.writeString(dir.resolve("garbage.ds"), ". 172800 IN DS twenty 8 2 E06D\n");

        assertThat(check("--dnssec-trust-anchors", empty.toString(), "example.test").stderr())
                .contains("empty.ds: no DS or DNSKEY record");
        assertThat(check("--dnssec-trust-anchors", address.toString(), "example.test").stderr())
                .contains("a.ds: A record for ns.example.test.: only DS and DNSKEY records are trust anchors");
        Run run = check("--dnssec-trust-anchors", garbage.toString(), "example.test");
        assertThat(run.exit()).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(run.stderr()).contains("garbage.ds: not a zone-file list of DS/DNSKEY records: ").contains("line 1")
                .doesNotContain("\tat ");
    }

    @Test
    void aCaFileWithoutCertificatesIsAUsageError() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "this is not a certificate\n");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");

        Run run = check("--sts-ca-file", notPem.toString(), "example.test");
        assertThat(run.exit()).isEqualTo(CheckCommand.EXIT_USAGE);
        assertThat(run.stderr()).contains("check: invalid --sts-ca-file: ").contains("ca.pem").doesNotContain("\tat ");
        assertThat(check("--sts-ca-file", empty.toString(), "example.test").stderr()).contains("empty.pem: no certificate");
        assertThat(check("--sts-ca-file", dir.resolve("missing.pem").toString(), "example.test").stderr())
                .contains("missing.pem: cannot read");
    }
}
