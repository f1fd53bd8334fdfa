package io.smtpprobe.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.smtpprobe.testsupport.ControlPlaneBinaries;

/**
 * The cluster of {@code make run} with its real node (hack/local-cluster.sh, hack/local-node.sh), started through
 * the same scripts on ports of its own and a state directory of its own. The node is one per machine: it shares
 * the node's image store with {@code make run}, and fails to start while another node runs.
 */
final class LocalCluster implements AutoCloseable {

    private static final Path CLUSTER_SCRIPT = Path.of("hack/local-cluster.sh");
    private static final Path NODE_SCRIPT = Path.of("hack/local-node.sh");

    private final Map<String, String> environment;
    private final Path kubeconfig;
    private final int apiServerPort;
    private final Thread shutdownHook;

    private LocalCluster(Map<String, String> environment, Path kubeconfig, int apiServerPort) {
        this.environment = environment;
        this.kubeconfig = kubeconfig;
        this.apiServerPort = apiServerPort;
        this.shutdownHook = new Thread(this::stop, "local-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Null when this machine can run the node, else the missing prerequisite in the script's words. */
    static String missingPrerequisite() {
        Result check = run(Map.of(), 60, "bash", NODE_SCRIPT.toString(), "check");
        return check.exitCode() == 0 ? null : check.stdout().strip() + check.stderr().strip();
    }

    static LocalCluster start() {
        Path state;
        try {
            state = Files.createTempDirectory("smtp-probe-pod-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int apiServerPort = freePort(1);
        Map<String, String> environment = new HashMap<>(Map.of(
                "LOCAL_CLUSTER_STATE", state.toString(),
                "LOCAL_CLUSTER_APISERVER_PORT", Integer.toString(apiServerPort),
                "LOCAL_CLUSTER_ETCD_PORT", Integer.toString(freePort(2)),
                "NODE_KUBELET_PORT", Integer.toString(freePort(1)),
                "NODE_KUBELET_HEALTHZ_PORT", Integer.toString(freePort(1)),
                "NODE_CONTROLLER_MANAGER_PORT", Integer.toString(freePort(1)),
                "NODE_SCHEDULER_PORT", Integer.toString(freePort(1))));
        LocalCluster cluster = new LocalCluster(environment, state.resolve("kubeconfig"), apiServerPort);
        Result started = run(environment, 300, "bash", CLUSTER_SCRIPT.toString(), "start");
        if (started.exitCode() != 0) {
            cluster.close();
            throw new IllegalStateException("hack/local-cluster.sh start failed:\n" + started.stderr());
        }
        return cluster;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    int apiServerPort() {
        return apiServerPort;
    }

    /** Loads an image archive into the node's containerd. */
    void importImage(Path archive) {
        Result imported = run(environment, 300, "bash", NODE_SCRIPT.toString(), "import", archive.toString());
        if (imported.exitCode() != 0) {
            throw new IllegalStateException("importing " + archive + " failed:\n" + imported.stderr());
        }
    }

    /** Runs kubectl against this cluster; throws with its output when it fails. */
    String kubectl(String... args) {
        List<String> command = new ArrayList<>(List.of(ControlPlaneBinaries.locate().kubectl().toString(),
                "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        Result result = run(Map.of(), 120, command.toArray(String[]::new));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("kubectl " + String.join(" ", args) + " exited with " + result.exitCode()
                    + ":\n" + result.stderr() + result.stdout());
        }
        return result.stdout();
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook runs stop() itself
        }
        stop();
    }

    private void stop() {
        run(environment, 120, "bash", CLUSTER_SCRIPT.toString(), "reset");
    }

    record Result(int exitCode, String stdout, String stderr) {
    }

    static Result run(Map<String, String> environment, int timeoutSeconds, String... command) {
        try {
            Path out = Files.createTempFile("local-cluster-", ".out");
            Path err = Files.createTempFile("local-cluster-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
            builder.environment().remove("KUBECONFIG");
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " timed out after " + timeoutSeconds + "s");
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    /** A free port on 127.0.0.1 whose next {@code count - 1} ports are free too, never the same one twice. */
    static synchronized int freePort(int count) {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                int port = socket.getLocalPort();
                boolean reused = false;
                for (int p = port; p < port + count; p++) {
                    reused |= HANDED_OUT.contains(p);
                }
                if (!reused && port + count - 1 <= 65535 && nextFree(port + 1, count - 1)) {
                    for (int p = port; p < port + count; p++) {
                        HANDED_OUT.add(p);
                    }
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no run of " + count + " free ports on 127.0.0.1");
    }

    private static boolean nextFree(int from, int count) {
        for (int port = from; port < from + count; port++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
