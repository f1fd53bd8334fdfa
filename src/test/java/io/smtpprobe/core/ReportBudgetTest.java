package io.smtpprobe.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReportBudgetTest {

    private static final ReportBudget SMALL = new ReportBudget(20, 4096, 3, 10_000);

    private static ServerResult server(int junkLines, int lineLength) {
        List<TranscriptLine> transcript = new ArrayList<>();
        transcript.add(new TranscriptLine(TranscriptLine.Direction.Info, "Connected to 127.0.0.1:25"));
        IntStream.range(0, junkLines).forEach(i ->
                transcript.add(new TranscriptLine(TranscriptLine.Direction.Server, "220-" + "x".repeat(lineLength))));
        transcript.add(new TranscriptLine(TranscriptLine.Direction.Client, "QUIT"));
        transcript.add(new TranscriptLine(TranscriptLine.Direction.Server, "221 bye"));
        return ServerResult.builder().host("mx.test").address("127.0.0.1").port(25).stage(Stage.Quit)
                .reason(Reason.Accepted).reply(Reply.of(250, List.of("a", "b", "c", "d", "e", "f")))
                .extensions(IntStream.range(0, 40).mapToObj(i -> "X-JUNK" + i).toList())
                .transcript(transcript).build();
    }

    @Test
    void aTranscriptWithinTheBudgetIsKeptAsItIs() {
        ServerResult small = server(3, 10).toBuilder().reply(Reply.of(250, List.of("ok"))).extensions(List.of("SIZE")).build();
        ReportBudget.Meter meter = SMALL.meter();

        assertThat(meter.admit(small)).isSameAs(small);
        assertThat(meter.truncated()).isFalse();
    }

    @Test
    void aLongTranscriptKeepsItsHeadAndTailWithAMarkerBetween() {
        ReportBudget.Meter meter = SMALL.meter();

        ServerResult kept = meter.admit(server(400, 100));

        assertThat(kept.transcript()).hasSizeLessThanOrEqualTo(20);
        assertThat(ReportBudget.bytes(kept.transcript())).isLessThanOrEqualTo(4096 + 200);
        assertThat(kept.transcript().get(0).text()).startsWith("Connected");
        assertThat(kept.transcript().get(kept.transcript().size() - 1).text()).isEqualTo("221 bye");
        assertThat(kept.transcript()).filteredOn(l -> l.text().startsWith(ReportBudget.TRUNCATED_PREFIX)).singleElement()
                .satisfies(l -> assertThat(l.text()).matches("transcript truncated: \\d+ more lines \\(\\d+ bytes\\) left out: .*"));
        assertThat(kept.reply().lines()).containsExactly("a", "b", "c", "d");
        assertThat(kept.extensions()).hasSize(24);
        assertThat(kept.reason()).isEqualTo(Reason.Accepted);
        assertThat(meter.truncated()).isTrue();
    }

    @Test
    void pastTheTotalAServerKeepsItsVerdictAndOnlyTheMarker() {
        ReportBudget.Meter meter = SMALL.meter();
        List<ServerResult> kept = IntStream.range(0, 10).mapToObj(i -> meter.admit(server(400, 100))).toList();

        assertThat(meter.usedBytes()).isLessThanOrEqualTo(10_000);
        ServerResult last = kept.get(9);
        assertThat(last.transcript()).singleElement().satisfies(l -> assertThat(l.text())
                .startsWith(ReportBudget.TRUNCATED_PREFIX + "403 more lines").contains("budget of 9 KiB of server text is used up"));
        assertThat(last.reply().lines()).containsExactly("a");
        assertThat(last.extensions()).isEmpty();
        assertThat(last.reason()).isEqualTo(Reason.Accepted);
    }

    @Test
    void aDomainKeepsAtMostItsServersAndAlwaysTheDecidingOne() {
        ReportBudget.Meter meter = SMALL.meter();
        List<ServerResult> servers = IntStream.range(0, 5).mapToObj(i -> server(0, 1).toBuilder().host("mx" + i + ".test").build())
                .toList();

        List<ServerResult> kept = meter.servers(servers, servers.get(4));

        assertThat(kept).extracting(ServerResult::host).containsExactly("mx0.test", "mx1.test", "mx4.test");
        assertThat(meter.truncated()).isTrue();
    }
}
