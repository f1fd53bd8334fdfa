package io.smtpprobe.engine.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DnsStatus;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class AnswerCacheTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(42 * SECOND);
    private final AtomicInteger asked = new AtomicInteger();

    private CompletableFuture<Answer> ask(Answer answer) {
        asked.incrementAndGet();
        return CompletableFuture.completedFuture(answer);
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Answer txt(String owner, long ttl) {
        return Answer.found(List.of(new TXTRecord(name(owner), DClass.IN, ttl, "v=STSv1; id=1")), ttl);
    }

    @Test
    void aPositiveAnswerIsReusedUntilItsTtlRunsOut() throws Exception {
        AnswerCache cache = new AnswerCache(10, now::get);
        Name owner = name("_mta-sts.example.test");
        Answer answer = txt("_mta-sts.example.test", 300);

        assertThat(cache.lookup(owner, Type.TXT, () -> ask(answer)).join()).isEqualTo(answer);
        now.addAndGet(299 * SECOND);
        assertThat(cache.lookup(owner, Type.TXT, () -> ask(answer)).join()).isEqualTo(answer);
        assertThat(asked).hasValue(1);

        now.addAndGet(SECOND);
        cache.lookup(owner, Type.TXT, () -> ask(answer)).join();
        assertThat(asked).as("asked again once the TTL has passed").hasValue(2);
    }

    @Test
    void answersAreKeptPerNameAndTypeWhateverTheNamesCase() throws Exception {
        AnswerCache cache = new AnswerCache(10, now::get);
        Answer answer = txt("_smtp._tls.example.test", 300);
        cache.lookup(name("_smtp._tls.example.test"), Type.TXT, () -> ask(answer)).join();

        cache.lookup(name("_SMTP._TLS.Example.TEST"), Type.TXT, () -> ask(answer)).join();
        assertThat(asked).hasValue(1);
        cache.lookup(name("_smtp._tls.example.test"), Type.A, () -> ask(answer)).join();
        cache.lookup(name("_smtp._tls.other.test"), Type.TXT, () -> ask(answer)).join();
        assertThat(asked).hasValue(3);
    }

    @Test
    void failuresAndZeroTtlsAreNeverReused() throws Exception {
        AnswerCache cache = new AnswerCache(10, now::get);
        Name owner = name("_mta-sts.example.test");
        cache.lookup(owner, Type.TXT, () -> ask(Answer.failed(DnsStatus.Timeout, "no answer"))).join();
        cache.lookup(owner, Type.TXT, () -> ask(Answer.failed(DnsStatus.ServerFailure, "SERVFAIL"))).join();
        cache.lookup(owner, Type.TXT, () -> ask(txt("_mta-sts.example.test", 0))).join();
        cache.lookup(owner, Type.TXT, () -> ask(Answer.negative(DnsStatus.NameNotFound, "NXDOMAIN", 0))).join();
        cache.lookup(owner, Type.TXT, () -> ask(txt("_mta-sts.example.test", 0))).join();

        assertThat(asked).hasValue(5);
        assertThat(cache.size()).isZero();
    }

    @Test
    void aNegativeAnswerIsReusedForItsNegativeTtl() throws Exception {
        AnswerCache cache = new AnswerCache(10, now::get);
        Name owner = name("_mta-sts.example.test");
        Answer nxdomain = Answer.negative(DnsStatus.NameNotFound, "NXDOMAIN for _mta-sts.example.test", 60);

        cache.lookup(owner, Type.TXT, () -> ask(nxdomain)).join();
        now.addAndGet(59 * SECOND);
        assertThat(cache.lookup(owner, Type.TXT, () -> ask(nxdomain)).join().status()).isEqualTo(DnsStatus.NameNotFound);
        assertThat(asked).hasValue(1);
        now.addAndGet(SECOND);
        cache.lookup(owner, Type.TXT, () -> ask(nxdomain)).join();
        assertThat(asked).hasValue(2);
    }

    @Test
    void aVeryLongTtlIsCappedAtAnHour() throws Exception {
        AnswerCache cache = new AnswerCache(10, now::get);
        Name owner = name("_mta-sts.example.test");
        Answer answer = txt("_mta-sts.example.test", 7 * 24 * 3600);
        cache.lookup(owner, Type.TXT, () -> ask(answer)).join();

        now.addAndGet(AnswerCache.MAX_TTL_SECONDS * SECOND);
        cache.lookup(owner, Type.TXT, () -> ask(answer)).join();
        assertThat(asked).hasValue(2);
    }

    @Test
    void theLeastRecentlyUsedAnswerMakesRoomWhenFull() throws Exception {
        AnswerCache cache = new AnswerCache(2, now::get);
        Answer answer = txt("a.test", 300);
        cache.lookup(name("a.test"), Type.TXT, () -> ask(answer)).join();
        cache.lookup(name("b.test"), Type.TXT, () -> ask(answer)).join();
        cache.lookup(name("a.test"), Type.TXT, () -> ask(answer)).join();
        cache.lookup(name("c.test"), Type.TXT, () -> ask(answer)).join();
        assertThat(cache.size()).isEqualTo(2);
        assertThat(asked).hasValue(3);

        cache.lookup(name("a.test"), Type.TXT, () -> ask(answer)).join();
        assertThat(asked).as("a.test, used last, stayed").hasValue(3);
        cache.lookup(name("b.test"), Type.TXT, () -> ask(answer)).join();
        assertThat(asked).as("b.test made room").hasValue(4);
    }

    @Test
    void theNegativeTtlIsTheSmallerOfTheSoasTtlAndMinimum() throws Exception {
        Name zone = name("example.test");
        Message reply = new Message();
        reply.getHeader().setRcode(Rcode.NXDOMAIN);
        reply.getHeader().setFlag(Flags.QR);
        reply.addRecord(new SOARecord(zone, DClass.IN, 900, name("ns.example.test"), name("admin.example.test"),
                1, 3600, 600, 86400, 120), Section.AUTHORITY);
        assertThat(DnsQueries.negativeTtl(reply)).isEqualTo(120);

        Message lowTtl = new Message();
        lowTtl.addRecord(new SOARecord(zone, DClass.IN, 30, name("ns.example.test"), name("admin.example.test"),
                1, 3600, 600, 86400, 120), Section.AUTHORITY);
        assertThat(DnsQueries.negativeTtl(lowTtl)).isEqualTo(30);

        assertThat(DnsQueries.negativeTtl(new Message())).as("no SOA: not to be reused (RFC 2308 §5)").isZero();
    }

    @Test
    void aPositiveAnswerLivesAsLongAsItsShortestRecord() throws Exception {
        List<Record> records = List.of(
                new ARecord(name("mx.example.test"), DClass.IN, 300, InetAddress.getByName("192.0.2.1")),
                new ARecord(name("mx.example.test"), DClass.IN, 60, InetAddress.getByName("192.0.2.2")));
        assertThat(DnsQueries.minTtl(records)).isEqualTo(60);
    }
}
