package io.smtpprobe.e2e;

import io.smtpprobe.testsupport.ControlPlane;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * kube-controller-manager running only its garbage collector against a test control plane, which has
 * no controllers of its own: what deletes the dependents of a deleted owner in a real cluster.
 */
final class GarbageCollector implements AutoCloseable {
    private final Process process;
    private final Path log;

    private GarbageCollector(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static GarbageCollector start(ControlPlane controlPlane) {
        Path binary = controlPlane.binaries().kubeApiServer().resolveSibling("kube-controller-manager");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " not found: build it with make controlplane (hack/build-controlplane.sh)");
        }
        String kubeconfig = controlPlane.kubeconfigPath().toString();
        try {
            Path log = Files.createTempFile("kube-controller-manager-", ".log");
            // Stops with the JVM even when it dies without running shutdown hooks, as the control plane does.
            String watchdog = "jvm=$1; shift; \"$@\" & child=$!; trap 'kill -TERM $child 2>/dev/null; wait $child; exit 143' TERM INT; "
                    + "while kill -0 $jvm 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 1; done; kill -TERM $child 2>/dev/null; wait $child";
            ProcessBuilder builder = new ProcessBuilder(List.of("/bin/sh", "-c", watchdog, "watchdog",
                    Long.toString(ProcessHandle.current().pid()), binary.toString(),
                    "--kubeconfig=" + kubeconfig, "--authentication-kubeconfig=" + kubeconfig,
                    "--authorization-kubeconfig=" + kubeconfig, "--bind-address=127.0.0.1",
                    "--secure-port=" + freeLoopbackPort(), "--leader-elect=false", "--controllers=garbagecollector",
                    "--cluster-name=smtp-probe-e2e"))
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
            return new GarbageCollector(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String log() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            return socket.getLocalPort();
        }
    }
}
