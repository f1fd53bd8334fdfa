package io.smtpprobe.bench;

import io.smtpprobe.request.InputValidator;
import io.smtpprobe.request.Durations;
import io.smtpprobe.core.Limits;
import io.smtpprobe.core.MessageContent;
import io.smtpprobe.core.ProbeOptions;
import io.smtpprobe.core.Reason;
import io.smtpprobe.core.ServerResult;
import io.smtpprobe.engine.smtp.SampleMessages;
import io.smtpprobe.engine.smtp.SmtpProber;
import io.smtpprobe.core.Stage;
import io.smtpprobe.engine.smtp.SmtpTarget;
import io.smtpprobe.core.Timeouts;
import io.smtpprobe.core.TlsMode;
import io.smtpprobe.engine.smtp.VertxSmtpProber;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Drives the real engine as fast as it goes against one loopback target, for {@code make bench}.
 * A whole-process run: CPU is the process's own, so it is comparable with the peer tools' CPU.
 *
 * <pre>EngineBench --target 127.0.0.1:2525 --concurrency 64 (--duration 10s | --count N) [--timeout 5s] [--warmup auto|0s|DURATION]
 * EngineBench --target 127.0.0.1:2526 --probes N [--timeout 5s]
 * EngineBench --target 127.0.0.1:2527 --domains N --per-host L
 * EngineBench ... --data-bytes B [--message-file PATH]</pre>
 * A closed loop by default; {@code --probes N} starts exactly N dialogues at once (the tarpit
 * scenario); {@code --domains} runs the full probe runner (see {@link PolitenessBench}).
 * {@code --data-bytes B} adds DATA with a body of B octets to every dialogue; with
 * {@code --message-file} it only writes that message, as smtp-source -F reads it, and exits, so that
 * smtp-source sends the very same bytes (the Date and Message-ID values differ, not their length).
 * Prints one JSON object.
 *
 * <p>The default warm-up lasts until the JIT compiler goes quiet, so that the measured window is the
 * steady state of a long-running operator; the caller's process CPU covers start-up and JIT.
 */
public final class EngineBench {
    /** Bounds the whole {@code make bench}: on a busy machine the JIT may never go fully quiet. */
    private static final int MAX_WARMUP_SLICES = 12;
    /** hack/bench.sh gives smtp-source the same names (-M, -f, -t). */
    private static final String EHLO_NAME = "bench.smtp-probe.test";
    private static final String MAIL_FROM = "probe@bench.test";
    private static final String RCPT_TO = "user@bench.test";
    private static final String BENCH_SUBJECT = "smtp-probe bench";

    private EngineBench() {
    }

    /** Not in the product jar: hack/bench.sh runs it from the test classes beside the packaged jars. */
    public static void main(String[] args) {
        try {
            System.exit(run(args, System.out));
        } catch (Exception e) {
            System.err.println("bench: " + e);
            System.exit(2);
        }
    }

    public static int run(String[] args, PrintStream out) throws Exception {
        String target = "127.0.0.1:2525";
        int concurrency = 1;
        Duration duration = Duration.ofSeconds(10);
        int probes = 0;
        Duration timeout = Duration.ofSeconds(5);
        long count = 0;
        String warmup = "auto";
        int domains = 0;
        int perHost = 4;
        int dataBytes = 0;
        Path messageFile = null;
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --name value");
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--target" -> target = args[i + 1];
                case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
                case "--duration" -> duration = Durations.parse("--duration", args[i + 1]);
                case "--count" -> count = Long.parseLong(args[i + 1]);
                case "--probes" -> probes = Integer.parseInt(args[i + 1]);
                case "--timeout" -> timeout = Durations.parse("--timeout", args[i + 1]);
                case "--warmup" -> warmup = args[i + 1];
                case "--domains" -> domains = Integer.parseInt(args[i + 1]);
                case "--per-host" -> perHost = Integer.parseInt(args[i + 1]);
                case "--data-bytes" -> dataBytes = Integer.parseInt(args[i + 1]);
                case "--message-file" -> messageFile = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        var hp = InputValidator.server("--target", target);
        InetAddress address = InetAddress.getByName(hp.host()); // a loopback literal: no lookup
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the benchmark only targets loopback");
        }
        SmtpTarget smtpTarget = new SmtpTarget(hp.host(), address, hp.port() == null ? 25 : hp.port(), null);
        MessageContent data = dataBytes > 0 ? new MessageContent(BENCH_SUBJECT, SampleMessages.body(dataBytes)) : null;
        if (messageFile != null) {
            if (data == null) {
                throw new IllegalArgumentException("--message-file needs --data-bytes");
            }
            Files.writeString(messageFile, SampleMessages.forSmtpSource(data, MAIL_FROM, List.of(RCPT_TO), EHLO_NAME),
                    StandardCharsets.US_ASCII);
            return 0;
        }
        ProbeOptions options = new ProbeOptions(EHLO_NAME, MAIL_FROM, List.of(RCPT_TO),
                Set.of(), TlsMode.Disabled, false, data, new Timeouts(timeout, timeout, timeout.multipliedBy(2)), Limits.DEFAULT);

        BlockedThreadCounter blocked = BlockedThreadCounter.install();
        // Vert.x defaults, as the operator and `check` run; no native transport (see the README)
        Vertx vertx = Vertx.vertx();
        if (domains > 0) {
            try {
                out.println(PolitenessBench.run(vertx, hp.host() + ":" + smtpTarget.port(), domains, perHost, options));
                return 0;
            } finally {
                vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        }
        VertxSmtpProber prober = new VertxSmtpProber(vertx);
        try {
            double warmupSeconds = 0;
            long warmupDialogues = 0;
            if (probes == 0) {
                long w0 = System.nanoTime();
                warmupDialogues = warmUp(prober, smtpTarget, options, Math.min(concurrency, 256), warmup);
                warmupSeconds = (System.nanoTime() - w0) / 1e9;
            }
            resetPeaks();
            long cpu0 = processCpuNanos();
            Map<String, Double> threads0 = ThreadCpu.snapshot();
            Result r = probes > 0
                    ? burst(prober, smtpTarget, options, probes, timeout)
                    : closedLoop(prober, smtpTarget, options, concurrency, duration, count);
            long cpu = processCpuNanos() - cpu0;
            Map<String, Double> threadCpu = ThreadCpu.since(threads0);
            out.println(json(probes > 0 ? "burst" : "dialogue", probes > 0 ? probes : concurrency, r, cpu, threadCpu,
                    peakHeapBytes(), blocked.count(), warmupSeconds, warmupDialogues, timeout, vertx.isNativeTransportEnabled()));
            return 0;
        } finally {
            prober.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private record Result(long completed, long nanos, long[] latencies, Map<Reason, Long> reasons, long maxLatencyNanos,
                          long maxBannerMs, long liveHeapInFlight) {
    }

    /** Runs the dialogue in one-second slices until a slice costs the JIT compiler under 5% of its time. */
    private static long warmUp(SmtpProber prober, SmtpTarget target, ProbeOptions options, int concurrency,
                               String warmup) throws InterruptedException {
        if (warmup.equals("0") || warmup.equals("0s") || warmup.equals("none")) {
            return 0;
        }
        if (!warmup.equals("auto")) {
            return closedLoop(prober, target, options, concurrency, Durations.parse("--warmup", warmup), 0).completed();
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long dialogues = 0;
        for (int slice = 0; slice < MAX_WARMUP_SLICES; slice++) {
            long compiling0 = jit.getTotalCompilationTime();
            dialogues += closedLoop(prober, target, options, concurrency, Duration.ofSeconds(1), 0).completed();
            if (slice >= 1 && jit.getTotalCompilationTime() - compiling0 < 50) {
                break;
            }
        }
        return dialogues;
    }

    private static Result closedLoop(SmtpProber prober, SmtpTarget target, ProbeOptions options, int concurrency,
                                     Duration duration, long count) throws InterruptedException {
        long start = System.nanoTime();
        long end = count > 0 ? Long.MAX_VALUE : start + duration.toNanos();
        AtomicLong budget = new AtomicLong(count > 0 ? count : Long.MAX_VALUE);
        LatencyRecorder recorder = new LatencyRecorder();
        int chains = (int) Math.min(concurrency, budget.get());
        CountDownLatch done = new CountDownLatch(chains);
        for (int i = 0; i < chains; i++) {
            budget.decrementAndGet();
            loop(prober, target, options, end, budget, recorder, done);
        }
        done.await();
        return recorder.result(System.nanoTime() - start, -1);
    }

    private static void loop(SmtpProber prober, SmtpTarget target, ProbeOptions options, long end, AtomicLong budget,
                             LatencyRecorder recorder, CountDownLatch done) {
        long t0 = System.nanoTime();
        prober.probe(target, options).onComplete(ar -> {
            recorder.record(System.nanoTime() - t0, ar.succeeded() ? ar.result() : null);
            if (System.nanoTime() < end && budget.getAndDecrement() > 0) {
                loop(prober, target, options, end, budget, recorder, done);
            } else {
                done.countDown();
            }
        });
    }

    private static Result burst(SmtpProber prober, SmtpTarget target, ProbeOptions options, int probes, Duration timeout)
            throws InterruptedException {
        long start = System.nanoTime();
        LatencyRecorder recorder = new LatencyRecorder();
        CountDownLatch done = new CountDownLatch(probes);
        for (int i = 0; i < probes; i++) {
            long t0 = System.nanoTime();
            prober.probe(target, options).onComplete(ar -> {
                recorder.record(System.nanoTime() - t0, ar.succeeded() ? ar.result() : null);
                done.countDown();
            });
        }
        // halfway through the banner wait every probe is connected and waiting: what they hold is live
        long liveHeap = -1;
        if (!done.await(timeout.toMillis() * 3 / 4, TimeUnit.MILLISECONDS)) {
            System.gc();
            liveHeap = heapUsedBytes();
        }
        done.await();
        return recorder.result(System.nanoTime() - start, liveHeap);
    }

    /** Keeps at most a fixed sample of latencies, so the recorder itself stays bounded. */
    private static final class LatencyRecorder {
        private static final int SAMPLE = 1 << 20;
        private final long[] samples = new long[SAMPLE];
        private final AtomicLong count = new AtomicLong();
        private final AtomicLong max = new AtomicLong();
        private final AtomicLong maxBannerMs = new AtomicLong(-1);
        private final Map<Reason, AtomicInteger> reasons = new EnumMap<>(Reason.class);

        LatencyRecorder() {
            for (Reason r : Reason.values()) {
                reasons.put(r, new AtomicInteger());
            }
        }

        void record(long nanos, ServerResult result) {
            long n = count.getAndIncrement();
            samples[(int) (n % SAMPLE)] = nanos;
            max.accumulateAndGet(nanos, Math::max);
            reasons.get(result == null ? Reason.ConnectionClosed : result.reason()).incrementAndGet();
            Long banner = result == null ? null : result.latencyMs().get(Stage.Banner);
            if (banner != null) {
                maxBannerMs.accumulateAndGet(banner, Math::max);
            }
        }

        Result result(long elapsed, long liveHeap) {
            int n = (int) Math.min(count.get(), SAMPLE);
            long[] sorted = Arrays.copyOf(samples, n);
            Arrays.sort(sorted);
            Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
            reasons.forEach((r, c) -> {
                if (c.get() > 0) {
                    byReason.put(r, (long) c.get());
                }
            });
            return new Result(count.get(), elapsed, sorted, byReason, max.get(), maxBannerMs.get(), liveHeap);
        }
    }

    private static String json(String scenario, int concurrency, Result r, long cpuNanos, Map<String, Double> threadCpu,
                               long peakHeap, int blocked,
                               double warmupSeconds, long warmupDialogues, Duration timeout, boolean nativeTransport) {
        double seconds = r.nanos / 1e9;
        StringBuilder reasons = new StringBuilder();
        r.reasons.forEach((k, v) -> reasons.append(reasons.length() == 0 ? "" : ",").append('"').append(k).append("\":").append(v));
        // the event loops' share is the dialogue's own cost; the JIT's and GC's shares are the rest of cpuMsPerDialogue
        StringBuilder byThread = new StringBuilder();
        threadCpu.forEach((kind, ms) -> byThread.append(byThread.length() == 0 ? "" : ",").append('"').append(kind)
                .append("\":").append(String.format(Locale.ROOT, "%.4f", r.completed == 0 ? 0 : ms / r.completed)));
        return String.format(Locale.ROOT,
                "{\"tool\":\"smtp-probe\",\"scenario\":\"%s\",\"concurrency\":%d,\"dialogues\":%d,\"failed\":%d,\"seconds\":%.3f,"
                        + "\"rate\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"maxMs\":%.3f,\"cpuMsPerDialogue\":%.4f,"
                        + "\"peakHeapMiB\":%.1f,\"liveHeapInFlightMiB\":%.1f,\"maxHeapMiB\":%.1f,\"blockedThreadWarnings\":%d,"
                        + "\"warmupSeconds\":%.1f,\"warmupDialogues\":%d,\"timeoutMs\":%d,\"maxBannerMs\":%d,\"nativeTransport\":%b,\"reasons\":{%s},"
                        + "\"cpuMsPerDialogueByThread\":{%s}}",
                scenario, concurrency, r.completed, r.completed - r.reasons.getOrDefault(Reason.Accepted, 0L), seconds, r.completed / seconds, pct(r.latencies, 0.50),
                pct(r.latencies, 0.99), r.maxLatencyNanos / 1e6, r.completed == 0 ? 0 : cpuNanos / 1e6 / r.completed,
                peakHeap / 1048576.0, r.liveHeapInFlight < 0 ? -1 : r.liveHeapInFlight / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576.0, blocked, warmupSeconds, warmupDialogues, timeout.toMillis(), r.maxBannerMs,
                nativeTransport, reasons, byThread);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static void resetPeaks() {
        System.gc();
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long heapUsedBytes() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** Vert.x reports a blocked event loop through this logger; the benchmark counts the warnings. */
    private static final class BlockedThreadCounter extends Handler {
        private final AtomicInteger count = new AtomicInteger();

        static BlockedThreadCounter install() {
            BlockedThreadCounter counter = new BlockedThreadCounter();
            Logger.getLogger("io.vertx.core.impl.BlockedThreadChecker").addHandler(counter);
            return counter;
        }

        int count() {
            return count.get();
        }

        @Override
        public void publish(LogRecord record) {
            count.incrementAndGet();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
