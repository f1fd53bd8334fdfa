package io.smtpprobe.engine.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.core.DaneOutcome.Status;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.engine.ProbeEngine;
import io.smtpprobe.engine.dane.DaneSettings;
import io.smtpprobe.engine.dane.Tlsa;
import io.smtpprobe.engine.dane.TlsaMatcher;
import io.smtpprobe.testsupport.Nsd;
import io.smtpprobe.testsupport.Nsd.Signing;
import io.smtpprobe.testsupport.TestCertificates;
import io.smtpprobe.testsupport.TestCertificates.Issued;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole probes with DANE on: a scripted STARTTLS server on loopback, its TLSA records in zones a
 * real NSD serves, signed by ldns-signzone, validated from the top zone's DS. Each test publishes
 * the records at {@code _<port>._tcp.<host>} for the port its peer got.
 */
@Tag("real")
class DaneScriptedPeerRealTest {

    @RegisterExtension
    static final ScriptedPeers peers = new ScriptedPeers();
    private static final Issued CA = TestCertificates.authority("DANE Test CA");
    private static final Issued OTHER_CA = TestCertificates.authority("Some Other CA");
    private final TestOptions options = new TestOptions();
    private final List<Nsd> servers = new ArrayList<>();
    private boolean daneOff;

    @AfterEach
    void stopDns() {
        servers.forEach(Nsd::close);
    }

    private static String tlsa(int usage, int selector, int matchingType, Issued of) {
        Tlsa record = TlsaMatcher.recordFor(usage, selector, matchingType, of.certificate());
        return usage + " " + selector + " " + matchingType + " " + HexFormat.of().formatHex(record.data());
    }

    private static ScriptedSmtpPeer startTlsWith(Issued certificate) {
        return ScriptedSmtpPeer.script().greeting("PIPELINING", "STARTTLS")
                .reply("STARTTLS", "220 2.0.0 Ready to start TLS\r\n")
                .startTls(TestCertificates.serverContext(certificate))
                .reply("EHLO", "250 mx.dane.test\r\n")
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("QUIT", "221 Bye\r\n");
    }

    /**
     * Runs the script as {@code host}, whose zone is {@code zone} signed as given, with these TLSA
     * records at the peer's port.
     */
    private ServerResult probe(ScriptedSmtpPeer script, String host, String zone, Signing signing, String... tlsa)
            throws Exception {
        ScriptedSmtpPeer peer = peers.start(script);
        String relative = host.substring(0, host.length() - zone.length() - 1);
        List<String> records = new ArrayList<>(List.of(relative + " A 127.0.0.1"));
        for (String record : tlsa) {
            records.add("_" + peer.port() + "._tcp." + relative + " TLSA " + record);
        }
        Nsd.Builder dns = Nsd.builder();
        if (zone.equals("dane.test")) {
            dns.zone(zone, signing, records.toArray(String[]::new));
        } else {
            dns.zone("dane.test", Signing.SIGNED).zone(zone, signing, records.toArray(String[]::new));
        }
        Nsd nsd = dns.start();
        servers.add(nsd);
        DaneCheck dane = ProbeEngine.daneCheck(DaneSettings.defaults(List.of(nsd.address()), Duration.ofSeconds(5))
                .withTrustAnchors(nsd.trustAnchor()));
        var prober = new VertxSmtpProber(peers.vertx(), Clock.systemUTC(), TlsSettings.systemDefault(), dane);
        var target = new SmtpTarget(host, InetAddress.getLoopbackAddress(), peer.port(), 10);
        return prober.probe(target, daneOff ? options.build().withDane(false) : options.build()).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static DaneOutcome dane(ServerResult result) {
        assertThat(result.dane()).as("DANE outcome of " + result).isNotNull();
        return result.dane();
    }

    @Test
    void daneEeSpkiSha256MatchingTheServerKeyIsMatch() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.dane.test");

        var result = probe(startTlsWith(server), "mx.dane.test", "dane.test", Signing.SIGNED, tlsa(3, 1, 1, server));

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(dane(result).status()).as(result.dane().toString()).isEqualTo(Status.MATCH);
        assertThat(result.dane().records()).singleElement().asString().startsWith("3 1 1 ");
        assertThat(result.tls().trusted()).as("no WebPKI trust needed: DANE-EE").isFalse();
    }

    @Test
    void daneEeFullCertificateSha256IsMatchEvenForAnotherName() throws Exception {
        Issued server = TestCertificates.server(CA, "other-name.example.test");

        var result = probe(startTlsWith(server), "mx.dane.test", "dane.test", Signing.SIGNED, tlsa(3, 0, 1, server));

        assertThat(dane(result).status()).as(result.dane().toString()).isEqualTo(Status.MATCH);
    }

    @Test
    void daneTaOfTheTestCaIsMatchWithEitherSelector() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.dane.test");

        var full = probe(startTlsWith(server), "mx.dane.test", "dane.test", Signing.SIGNED, tlsa(2, 0, 1, CA));
        var key = probe(startTlsWith(server), "mx.dane.test", "dane.test", Signing.SIGNED, tlsa(2, 1, 2, CA));

        assertThat(dane(full).status()).as(full.dane().toString()).isEqualTo(Status.MATCH);
        assertThat(dane(key).status()).as(key.dane().toString()).isEqualTo(Status.MATCH);
        assertThat(full.dane().detail()).contains("DANE-TA");
    }

    @Test
    void daneTaNeedsTheCertificateToNameTheMxHost() throws Exception {
        Issued server = TestCertificates.server(CA, "another.dane.test");

        var result = probe(startTlsWith(server), "mx.dane.test", "dane.test", Signing.SIGNED, tlsa(2, 1, 1, CA));

        assertThat(dane(result).status()).isEqualTo(Status.NO_MATCH);
        assertThat(result.dane().detail()).contains("does not name the host");
    }

    @Test
    void aTlsaRecordOfAnotherKeyIsNoMatch() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.dane.test");
        Issued other = TestCertificates.server(OTHER_CA, "mx.dane.test");

        var result = probe(startTlsWith(server), "mx.dane.test", "dane.test", Signing.SIGNED,
                tlsa(3, 1, 1, other), tlsa(2, 0, 1, OTHER_CA));

        assertThat(dane(result).status()).isEqualTo(Status.NO_MATCH);
        assertThat(result.dane().records()).hasSize(2);
        assertThat(result.reason()).as("DANE alone does not change the SMTP verdict").isEqualTo(Reason.Accepted);
    }

    @Test
    void usableTlsaButNoStartTlsIsNoMatch() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.dane.test");
        var plaintext = ScriptedSmtpPeer.script().greeting("PIPELINING")
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("QUIT", "221 Bye\r\n");

        var result = probe(plaintext, "mx.dane.test", "dane.test", Signing.SIGNED, tlsa(3, 1, 1, server));

        assertThat(dane(result).status()).isEqualTo(Status.NO_MATCH);
        assertThat(result.dane().detail()).contains("TLS was not established");
    }

    @Test
    void aServerThatRefusesToGreetLeavesDaneUnevaluated() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.dane.test");
        var refusing = ScriptedSmtpPeer.script().send("554 5.3.2 not now\r\n").reply("QUIT", "221 Bye\r\n");

        var result = probe(refusing, "mx.dane.test", "dane.test", Signing.SIGNED, tlsa(3, 1, 1, server));

        assertThat(result.stage()).isEqualTo(io.smtpprobe.core.Stage.Banner);
        assertThat(result.dane()).as("TLS was never offered or refused: nothing to judge").isNull();
    }

    @Test
    void tlsaInAZoneWithExpiredSignaturesIsDnssecBogus() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.expired.dane.test");

        var result = probe(startTlsWith(server), "mx.expired.dane.test", "expired.dane.test",
                Signing.EXPIRED_SIGNATURES, tlsa(3, 1, 1, server));

        assertThat(dane(result).status()).as(result.dane().toString()).isEqualTo(Status.DNSSEC_BOGUS);
    }

    @Test
    void tlsaInAZoneSignedWithTheWrongKeyIsDnssecBogus() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.wrongkey.dane.test");

        var result = probe(startTlsWith(server), "mx.wrongkey.dane.test", "wrongkey.dane.test",
                Signing.WRONG_KEY, tlsa(3, 1, 1, server));

        assertThat(dane(result).status()).as(result.dane().toString()).isEqualTo(Status.DNSSEC_BOGUS);
    }

    @Test
    void tlsaInAnUnsignedZoneIsNoTlsa() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.insecure.dane.test");

        var result = probe(startTlsWith(server), "mx.insecure.dane.test", "insecure.dane.test",
                Signing.UNSIGNED, tlsa(3, 1, 1, server));

        assertThat(dane(result).status()).as(result.dane().toString()).isEqualTo(Status.NO_TLSA);
    }

    @Test
    void noTlsaInASignedZoneIsNoTlsa() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.dane.test");

        var result = probe(startTlsWith(server), "mx.dane.test", "dane.test", Signing.SIGNED);

        assertThat(dane(result).status()).isEqualTo(Status.NO_TLSA);
        assertThat(result.reason()).isEqualTo(Reason.Accepted);
    }

    @Test
    void onlyPkixUsagesAreTlsaUnusable() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.dane.test");

        var result = probe(startTlsWith(server), "mx.dane.test", "dane.test", Signing.SIGNED,
                tlsa(1, 1, 1, server), tlsa(0, 0, 1, CA));

        assertThat(dane(result).status()).as(result.dane().toString()).isEqualTo(Status.TLSA_UNUSABLE);
    }

    @Test
    void tlsDisabledLeavesNoOutcome() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.dane.test");
        options.tlsMode = TlsMode.Disabled;

        var result = probe(plaintextAfterEhlo(), "mx.dane.test", "dane.test", Signing.SIGNED, tlsa(3, 1, 1, server));

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.dane()).isNull();
    }

    @Test
    void daneTurnedOffLeavesNoOutcome() throws Exception {
        Issued server = TestCertificates.server(CA, "mx.dane.test");
        daneOff = true;

        var result = probe(startTlsWith(server), "mx.dane.test", "dane.test", Signing.SIGNED, tlsa(3, 1, 1, server));

        assertThat(result.reason()).isEqualTo(Reason.Accepted);
        assertThat(result.tls()).isNotNull();
        assertThat(result.dane()).isNull();
    }

    private static ScriptedSmtpPeer plaintextAfterEhlo() {
        return ScriptedSmtpPeer.script().greeting("PIPELINING", "STARTTLS")
                .reply("MAIL FROM:", "250 Ok\r\n")
                .reply("RCPT TO:", "250 Ok\r\n")
                .reply("QUIT", "221 Bye\r\n");
    }
}
