package io.smtpprobe.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The process's CPU split by kind of thread (event loops, JIT compilers, GC, the rest), read from
 * Linux's /proc/self/task: the whole-process figure mixes the dialogue's own cost with the JIT's,
 * which on a loaded machine goes on compiling long after the warm-up. Clock ticks (10 ms), so only
 * windows of seconds mean something; empty where /proc is missing.
 */
final class ThreadCpu {
    private static final double MS_PER_TICK = 10.0;

    private ThreadCpu() {
    }

    /** CPU milliseconds by kind so far, of the threads alive now. */
    static Map<String, Double> snapshot() {
        Map<String, Double> byKind = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close);
                    String[] fields = stat.substring(close + 2).split(" ");
                    // after the name: state is field 3, utime 14 and stime 15 (proc(5)), so index 11 and 12 here
                    double ms = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * MS_PER_TICK;
                    byKind.merge(kind(name), ms, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            });
        } catch (IOException e) {
            return Map.of();
        }
        return byKind;
    }

    /** What each kind spent between two snapshots. */
    static Map<String, Double> since(Map<String, Double> before) {
        Map<String, Double> spent = new TreeMap<>();
        snapshot().forEach((kind, ms) -> spent.put(kind, ms - before.getOrDefault(kind, 0.0)));
        return spent;
    }

    private static String kind(String thread) {
        if (thread.startsWith("vert.x-eventloo")) {
            return "eventLoop";
        }
        if (thread.contains("CompilerThre")) {
            return "jit";
        }
        if (thread.startsWith("GC Thread") || thread.startsWith("G1 ") || thread.equals("VM Thread")) {
            return "gc";
        }
        return "other";
    }
}
