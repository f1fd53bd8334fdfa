package io.smtpprobe.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The processes of one Postfix instance. Postfix's master makes itself a process-group leader and its
 * children stay in that group even after it exits and they are re-parented, so the group id is the
 * only handle that still finds every one of them.
 */
final class ProcessGroup {

    private final long groupId;

    ProcessGroup(long groupId) {
        this.groupId = groupId;
    }

    long groupId() {
        return groupId;
    }

    /** Live members; zombies are excluded because they hold no resources and only init can reap them. */
    List<Long> members() {
        List<Long> members = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .forEach(pid -> {
                        if (isLiveMember(pid)) {
                            members.add(Long.parseLong(pid));
                        }
                    });
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return members;
    }

    /** Sends SIGTERM to the leader, waits for the group to drain, then SIGKILLs whatever is left. */
    void terminate(Duration grace) {
        ProcessHandle.of(groupId).ifPresent(ProcessHandle::destroy);
        if (awaitEmpty(grace)) {
            return;
        }
        for (long pid : members()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (!awaitEmpty(Duration.ofSeconds(5))) {
            throw new IllegalStateException("Postfix processes survived SIGKILL: " + members());
        }
    }

    /**
     * Stops every live process, in any group, whose command line names {@code marker}: a process that
     * made itself a session leader (Exim's re-executed children may) is out of reach of the group.
     */
    static void terminateRunningWith(String marker, Duration grace) {
        List<Long> left = runningWith(marker);
        left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
        long deadline = System.nanoTime() + grace.toNanos();
        while (!(left = runningWith(marker)).isEmpty() && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(20));
        }
        left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    /** Live (not zombie) processes whose command line contains {@code marker}. */
    static List<Long> runningWith(String marker) {
        List<Long> pids = new ArrayList<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String commandLine = Files.readString(entry.resolve("cmdline"), StandardCharsets.ISO_8859_1);
                    String stat = Files.readString(entry.resolve("stat"), StandardCharsets.ISO_8859_1);
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    if (commandLine.contains(marker) && state != 'Z' && state != 'X') {
                        pids.add(Long.parseLong(entry.getFileName().toString()));
                    }
                } catch (IOException exited) {
                    // gone while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return pids;
    }

    private boolean awaitEmpty(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!members().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(Duration.ofMillis(20));
        }
        return true;
    }

    private boolean isLiveMember(String pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", pid, "stat"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return false; // exited while we were looking
        }
        // The command name may contain spaces and parentheses; the fixed fields follow the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        char state = fields[0].charAt(0);
        long pgrp = Long.parseLong(fields[2]);
        return pgrp == groupId && state != 'Z' && state != 'X';
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
