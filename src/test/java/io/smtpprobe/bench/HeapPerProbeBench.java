package io.smtpprobe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.smtpprobe.core.Limits;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.engine.smtp.SmtpTarget;
import io.smtpprobe.engine.smtp.VertxSmtpProber;
import io.smtpprobe.testsupport.HostileSmtpServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Heap per dialogue in flight in the worst case a server can make: a greeting that never ends,
 * 99 continuation lines each just under the 2048-byte line limit (about 200 KB, under the 256 KiB
 * per connection), then silence, so every dialogue sits holding all of it until its deadline.
 * Prints the figure the README's Budgets table quotes:
 * {@code mvn -B -ntp test -Dtest=HeapPerProbeBench -DexcludedTestGroups= -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("bench")
class HeapPerProbeBench {
    private static final int IN_FLIGHT = 200;

    @Test
    void heapPerHostileDialogueInFlightIsBounded() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (HostileSmtpServer server = HostileSmtpServer.start(HostileSmtpServer.Mode.ENDLESS_GREETING)) {
            VertxSmtpProber prober = new VertxSmtpProber(vertx);
            ProbeOptions options = new ProbeOptions("probe.test", "", List.of("postmaster@d.test"), Set.of(), TlsMode.Disabled, false,
                    null, new Timeouts(Duration.ofSeconds(10), Duration.ofMinutes(2), Duration.ofMinutes(3)), Limits.DEFAULT);
            // warm up the classes and pools one dialogue uses, so the baseline holds them too
            long baseline = settledHeap();

            List<Future<ServerResult>> inFlight = new ArrayList<>();
            for (int i = 0; i < IN_FLIGHT; i++) {
                inFlight.add(prober.probe(new SmtpTarget("mx.d.test", InetAddress.getLoopbackAddress(), server.port(), 10), options));
            }
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (server.sentAll() < IN_FLIGHT && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertThat(server.sentAll()).isEqualTo(IN_FLIGHT);
            Thread.sleep(1000); // let the client read what was sent
            assertThat(inFlight).noneMatch(Future::isComplete);
            long loaded = settledHeap();

            long perProbe = (loaded - baseline) / IN_FLIGHT;
            System.out.printf("heap: %d dialogues in flight, each holding an endless greeting of %d lines x %d bytes: "
                            + "%d KiB in all, %d KiB per dialogue%n", IN_FLIGHT, HostileSmtpServer.JUNK_LINES,
                    HostileSmtpServer.LONG_LINE_LENGTH + 6, (loaded - baseline) / 1024, perProbe / 1024);
            // 99 lines held by the parser and the transcript, each at most the line limit: far below a MiB
            assertThat(perProbe).isLessThan(1024 * 1024);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    private static long settledHeap() throws InterruptedException {
        var memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
