package io.smtpprobe.engine.dane;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.core.DaneOutcome.Status;
import io.smtpprobe.engine.dane.ValidatedAnswer.State;
import io.smtpprobe.testsupport.TestCertificates;
import io.smtpprobe.testsupport.TestCertificates.Issued;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TLSARecord;
import org.xbill.DNS.Type;

/** How the DNSSEC states of the TLSA and address answers combine into a verdict (RFC 7672 §2.2). */
class TlsaFindingsTest {

    private static final Name HOST = Name.fromConstantString("mx.dane.test.");
    private static final Name TLSA_NAME = Name.fromConstantString("_25._tcp.mx.dane.test.");
    private static final Issued SERVER = TestCertificates.server(TestCertificates.authority("CA"), "mx.dane.test");

    private static Record tlsa(int usage) {
        Tlsa pin = TlsaMatcher.recordFor(usage, 1, 1, SERVER.certificate());
        return new TLSARecord(TLSA_NAME, DClass.IN, 300, usage, 1, 1, pin.data());
    }

    private static ValidatedAnswer answer(State state, Record... records) {
        return new ValidatedAnswer(state, List.of(records), state == State.SECURE || state == State.INSECURE
                ? null : "why: " + state);
    }

    private static DaneOutcome judged(ValidatedAnswer tlsa, ValidatedAnswer address) {
        return TlsaFindings.of(TLSA_NAME, tlsa, HOST, address, Type.A).judge(SERVER.chain(), leaf -> true);
    }

    private static ValidatedAnswer secureAddress() throws Exception {
        return answer(State.SECURE, new ARecord(HOST, DClass.IN, 300, InetAddress.getByName("127.0.0.1")));
    }

    @Test
    void secureTlsaAndSecureAddressAreMatched() throws Exception {
        assertThat(judged(answer(State.SECURE, tlsa(3)), secureAddress()).status()).isEqualTo(Status.MATCH);
    }

    @Test
    void secureTlsaWithInsecureAddressRecordsDoesNotApply() throws Exception {
        DaneOutcome outcome = judged(answer(State.SECURE, tlsa(3)), answer(State.INSECURE));

        assertThat(outcome.status()).isEqualTo(Status.NO_TLSA);
        assertThat(outcome.detail()).contains("A records of mx.dane.test are not DNSSEC-signed");
    }

    @Test
    void bogusAddressRecordsAreBogus() {
        assertThat(judged(answer(State.SECURE, tlsa(3)), answer(State.BOGUS)).status()).isEqualTo(Status.DNSSEC_BOGUS);
    }

    @Test
    void aFailedAddressLookupIsLookupFailed() {
        assertThat(judged(answer(State.SECURE, tlsa(3)), answer(State.FAILED)).status()).isEqualTo(Status.LOOKUP_FAILED);
    }

    @Test
    void insecureTlsaIsIgnoredWhateverItSays() {
        DaneOutcome outcome = judged(answer(State.INSECURE, tlsa(3)), null);

        assertThat(outcome.status()).isEqualTo(Status.NO_TLSA);
        assertThat(outcome.records()).isEmpty();
    }

    @Test
    void secureDenialIsNoTlsa() {
        assertThat(judged(answer(State.SECURE), null).status()).isEqualTo(Status.NO_TLSA);
    }

    @Test
    void onlyPkixRecordsAreUnusableAndNamedInTheDetail() throws Exception {
        DaneOutcome outcome = judged(answer(State.SECURE, tlsa(1), tlsa(0)), secureAddress());

        assertThat(outcome.status()).isEqualTo(Status.TLSA_UNUSABLE);
        assertThat(outcome.detail()).contains("1 1 1 ", "0 1 1 ");
    }

    @Test
    void unusableRecordsBesideAUsableOneAreLeftOut() throws Exception {
        DaneOutcome outcome = judged(answer(State.SECURE, tlsa(1), tlsa(3)), secureAddress());

        assertThat(outcome.status()).isEqualTo(Status.MATCH);
        assertThat(outcome.records()).singleElement().asString().startsWith("3 1 1 ");
    }
}
