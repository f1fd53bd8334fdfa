package io.smtpprobe.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The kube-apiserver, etcd and kubectl that hack/build-controlplane.sh put in the tool cache, laid out as
 * {@code $SMTPPROBE_CACHE/k8s/<version>-linux-amd64/}. The newest 1.33 patch present wins unless
 * {@code SMTPPROBE_K8S_VERSION} names one.
 */
public record ControlPlaneBinaries(String version, Path kubeApiServer, Path etcd, Path kubectl) {

    private static final String MINOR = "1.33.";
    private static final String PLATFORM_SUFFIX = "-linux-amd64";

    public static Path cacheDir() {
        String configured = System.getenv("SMTPPROBE_CACHE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "smtp-probe-operator");
    }

    public static ControlPlaneBinaries locate() {
        Path k8s = cacheDir().resolve("k8s");
        String wanted = System.getenv("SMTPPROBE_K8S_VERSION");
        Path dir = (wanted != null && !wanted.isBlank())
                ? k8s.resolve(wanted + PLATFORM_SUFFIX)
                : newestPatch(k8s).orElseThrow(() -> missing(k8s.resolve(MINOR + "*" + PLATFORM_SUFFIX)));
        String version = dir.getFileName().toString().replace(PLATFORM_SUFFIX, "");
        ControlPlaneBinaries binaries = new ControlPlaneBinaries(version, dir.resolve("kube-apiserver"),
                dir.resolve("etcd"), dir.resolve("kubectl"));
        for (Path binary : new Path[] {binaries.kubeApiServer, binaries.etcd, binaries.kubectl}) {
            if (!Files.isExecutable(binary)) {
                throw missing(binary);
            }
        }
        return binaries;
    }

    private static Optional<Path> newestPatch(Path k8s) {
        if (!Files.isDirectory(k8s)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(k8s)) {
            return dirs.filter(d -> {
                String name = d.getFileName().toString();
                return name.startsWith(MINOR) && name.endsWith(PLATFORM_SUFFIX);
            }).max(Comparator.comparingInt(ControlPlaneBinaries::patchOf));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + k8s, e);
        }
    }

    private static int patchOf(Path dir) {
        String name = dir.getFileName().toString();
        try {
            return Integer.parseInt(name.substring(MINOR.length(), name.length() - PLATFORM_SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static IllegalStateException missing(Path path) {
        return new IllegalStateException(path + " not found: build the control plane first with "
                + "`make controlplane` (hack/build-controlplane.sh)");
    }
}
