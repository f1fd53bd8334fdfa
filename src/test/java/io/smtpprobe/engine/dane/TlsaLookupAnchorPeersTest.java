package io.smtpprobe.engine.dane;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.DaneOutcome;
import io.smtpprobe.testsupport.ScriptedDnsServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;

/** A resolver that does not pass DNSSEC on is asked for the anchor's keys once per retry interval, not once per host. */
@Tag("peers")
class TlsaLookupAnchorPeersTest {

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }
    }

    private static DaneOutcome lookup(TlsaLookup lookup, String host) throws Exception {
        return lookup.lookup(host, InetAddress.getByName("127.0.0.1"), 25).toCompletableFuture()
                .get(30, TimeUnit.SECONDS).judge(List.of(), leaf -> false);
    }

    @Test
    void hostsAfterAFailedAnchorCheckFailAtOnceUntilTheCheckIsDueAgain() throws Exception {
        MovableClock clock = new MovableClock();
        try (ScriptedDnsServer refusing = ScriptedDnsServer.start(q -> ScriptedDnsServer.Reply.rcode(Rcode.REFUSED))) {
            DaneSettings settings = DaneSettings.defaults(
                    List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), refusing.port())), Duration.ofSeconds(5))
                    .withClock(clock);
            TlsaLookup lookup = new TlsaLookup(settings);

            DaneOutcome first = lookup(lookup, "mx1.example.test");
            int asked = refusing.questions().size();
            assertThat(first.status()).isEqualTo(DaneOutcome.Status.LOOKUP_FAILED);
            assertThat(first.detail()).contains("the resolver does not pass DNSSEC on");
            assertThat(asked).isPositive();

            clock.advance(Duration.ofSeconds(29));
            DaneOutcome second = lookup(lookup, "mx2.example.test");
            assertThat(second).isEqualTo(first);
            assertThat(refusing.questions()).as("no query: the failed check still holds").hasSize(asked);

            clock.advance(Duration.ofSeconds(2));
            DaneOutcome third = lookup(lookup, "mx3.example.test");
            assertThat(third.status()).isEqualTo(DaneOutcome.Status.LOOKUP_FAILED);
            assertThat(refusing.questions().size()).as("asked again once due").isGreaterThan(asked);
        }
    }
}
