package io.smtpprobe.operator.config;

import static io.smtpprobe.operator.config.OperatorConfigTest.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.smtpprobe.engine.dane.DaneSettings;
import io.smtpprobe.testsupport.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code smtpprobe.dane.trust-anchors} and {@code smtpprobe.sts.ca-file}: read at start-up, a bad file names the property. */
class TransportTrustSettingsTest {
    @TempDir
    Path dir;

    @Test
    void unsetMeansTheRootKeysTheJvmTrustStoreAndPort443() {
        var config = read(EngineConfig.class, Map.of());

        assertThat(ProbeRunnerProducer.daneTrustAnchors(config.dane())).isEqualTo(DaneSettings.ROOT_TRUST_ANCHORS);
        var sts = ProbeRunnerProducer.sts(config.sts());
        assertThat(sts.trust()).isNull();
        assertThat(sts.httpsPort()).isEqualTo(443);
    }

    @Test
    void filesAreReadIntoTheSettings() throws Exception {
        String anchor = "private.test. 300 IN DS 62856 13 2 46E9A5AE14B17E8F1A3C4D8F1B7E6C2D5A9F0E3B7C1D4A6F8E2B5C9D0A3F7E1B\n";
        Path anchors = Files.writeString(dir.resolve("anchors"), anchor);
        TestCertificates.writePem(TestCertificates.authority("Private CA"), dir);

        var config = read(EngineConfig.class, Map.of("smtpprobe.dane.trust-anchors", anchors.toString(),
                "smtpprobe.sts.ca-file", dir.resolve("cert.pem").toString(), "smtpprobe.sts.https-port", "8443"));

        assertThat(ProbeRunnerProducer.daneTrustAnchors(config.dane())).isEqualTo(anchor);
        var sts = ProbeRunnerProducer.sts(config.sts());
        assertThat(sts.trust()).isNotNull();
        assertThat(sts.httpsPort()).isEqualTo(8443);
    }

    @Test
    void aBadFileStopsStartUpNamingThePropertyAndTheFile() throws Exception {
        Path notAnchors = Files.writeString(dir.resolve("anchors"), "hello\n");
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");

        var anchors = read(EngineConfig.class, Map.of("smtpprobe.dane.trust-anchors", notAnchors.toString())).dane();
        assertThatThrownBy(() -> ProbeRunnerProducer.daneTrustAnchors(anchors))
                .isInstanceOf(ConfigurationException.class).hasNoCause()
                .hasMessageStartingWith("smtpprobe.dane.trust-anchors: " + notAnchors + ": ");
        var missing = read(EngineConfig.class, Map.of("smtpprobe.dane.trust-anchors", dir.resolve("nope").toString())).dane();
        assertThatThrownBy(() -> ProbeRunnerProducer.daneTrustAnchors(missing)).hasMessageContaining("nope: cannot read");
        var ca = read(EngineConfig.class, Map.of("smtpprobe.sts.ca-file", notPem.toString())).sts();
        assertThatThrownBy(() -> ProbeRunnerProducer.sts(ca))
                .hasMessageStartingWith("smtpprobe.sts.ca-file: " + notPem + ": not a PEM file of X.509 certificates");
        var port = read(EngineConfig.class, Map.of("smtpprobe.sts.https-port", "0")).sts();
        assertThatThrownBy(() -> ProbeRunnerProducer.sts(port)).hasMessageStartingWith("smtpprobe.sts.https-port: ");
    }
}
