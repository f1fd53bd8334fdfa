package io.smtpprobe.e2e.inside;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run inside the operator's pod by {@code kubectl exec} (PodIT): reports, as KEY=VALUE lines, what the container
 * grants a process started in it, read from the kernel itself: its user, its capability sets, no_new_privs, its
 * seccomp mode, and whether the root filesystem and /tmp take a write. Needs java.base only, like the image.
 */
public final class InsidePod {

    private InsidePod() {
    }

    public static void main(String[] args) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            String[] kv = line.split(":\\s*", 2);
            switch (kv[0]) {
                case "Uid", "Gid", "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb", "NoNewPrivs", "Seccomp" ->
                    System.out.println(kv[0] + "=" + kv[1].trim().replaceAll("\\s+", " "));
                default -> {
                }
            }
        }
        System.out.println("rootfs=" + tryWrite(Path.of("/deployments/written-by-inside-pod")));
        System.out.println("opt=" + tryWrite(Path.of("/opt/java/written-by-inside-pod")));
        System.out.println("tmp=" + tryWrite(Path.of("/tmp/written-by-inside-pod")));
    }

    private static String tryWrite(Path file) {
        try {
            Files.writeString(file, "x");
            Files.delete(file);
            return "writable";
        } catch (AccessDeniedException e) {
            return "denied";
        } catch (FileSystemException e) {
            return e.getReason() != null && e.getReason().contains("Read-only") ? "read-only" : "error " + e.getReason();
        } catch (IOException e) {
            return "error " + e;
        }
    }
}
