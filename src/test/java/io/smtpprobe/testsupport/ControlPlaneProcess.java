package io.smtpprobe.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** One control-plane child process whose output goes to a log file, so failures can quote it. */
final class ControlPlaneProcess {

    private static final int LOG_LINES_IN_ERRORS = 30;

    /*
     * Runs the command under a shell that stops it when the JVM disappears: a JVM killed by a test timeout
     * runs no shutdown hook, and an orphaned etcd and apiserver would otherwise live on. TERM to the shell
     * is forwarded, so stop() still shuts the child down cleanly.
     */
    private static final String WATCHDOG = "jvm=$1; shift; \"$@\" & child=$!; "
            + "trap 'kill -TERM $child 2>/dev/null; wait $child; exit 143' TERM INT; "
            + "while kill -0 $jvm 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; "
            + "kill -TERM $child 2>/dev/null; wait $child";

    private final String name;
    private final Process process;
    private final Path log;

    private ControlPlaneProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static ControlPlaneProcess start(String name, List<String> command, Path log) {
        List<String> watched = new ArrayList<>(List.of("/bin/sh", "-c", WATCHDOG, "watchdog",
                Long.toString(ProcessHandle.current().pid())));
        watched.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(watched)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Nothing may leave loopback: make sure no inherited proxy setting could route a request elsewhere.
        builder.environment().keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
        try {
            return new ControlPlaneProcess(name, builder.start(), log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + name + ": " + command.get(0), e);
        }
    }

    void ensureAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with " + process.exitValue() + "\n" + logTail());
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_ERRORS), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM first so etcd and the apiserver shut down cleanly, SIGKILL if they hang. */
    void stop() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }
}
