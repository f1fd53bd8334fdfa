package io.smtpprobe.engine;

import io.smtpprobe.core.DelayText;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.core.TranscriptLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A greylisted dialogue tried once more, on a new connection to the same server after a delay, as
 * a sending MTA does (greylisting exists to make senders prove they retry). The wait holds no
 * thread; once only, so a server that greylists for ever ends as {@link Reason#Greylisted}.
 */
public final class GreylistRetry {
    private GreylistRetry() {
    }

    /**
     * The operator waits at most one interval: the next probe is due one interval after this one
     * ends, so a longer wait would leave the status older than two intervals. A shorter wait than
     * the greylister's own delay is retried too early and stays greylisted.
     */
    public static Duration boundedBy(Duration delay, Duration interval) {
        return delay.compareTo(interval) > 0 ? interval : delay;
    }

    /** {@code first} itself unless it was greylisted and a retry is wanted; then the retry's result, with both transcripts. */
    static CompletionStage<ServerResult> ifGreylisted(ServerResult first, Duration delay, RunScope scope,
                                                      Supplier<CompletionStage<ServerResult>> again) {
        if (first.reason() != Reason.Greylisted || delay.isZero()) {
            return CompletableFuture.completedFuture(first);
        }
        CompletableFuture<ServerResult> result = new CompletableFuture<>();
        ServerResult notRetried = first.toBuilder()
                .transcript(with(first.transcript(), "greylisted; the probe ended before the retry after " + DelayText.of(delay)))
                .build();
        try {
            scope.after(delay, () -> {
                try {
                    again.get().whenComplete((second, error) -> result.complete(
                            error != null ? first : second == null ? notRetried : merged(first, second, delay)));
                } catch (RuntimeException e) {
                    result.complete(first);
                }
            }, () -> result.complete(notRetried));
        } catch (RuntimeException e) {
            // no timer (the Vert.x instance is closing): the run ends, so the first verdict stands
            result.complete(notRetried);
        }
        return result;
    }

    static ServerResult merged(ServerResult first, ServerResult second, Duration delay) {
        List<TranscriptLine> both = new ArrayList<>(with(first.transcript(),
                "greylisted; retrying on a new connection after " + DelayText.of(delay)));
        both.addAll(second.transcript());
        return second.toBuilder().greylistRetriedAfter(delay).transcript(both).build();
    }

    private static List<TranscriptLine> with(List<TranscriptLine> transcript, String note) {
        List<TranscriptLine> out = new ArrayList<>(transcript);
        out.add(new TranscriptLine(TranscriptLine.Direction.Info, note));
        return out;
    }
}
