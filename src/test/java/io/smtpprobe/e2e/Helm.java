package io.smtpprobe.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.smtpprobe.testsupport.ControlPlaneBinaries;

/** The helm CLI hack/build-controlplane.sh builds, with its caches and config in a private directory. */
final class Helm {

    private final Path binary = ControlPlaneBinaries.cacheDir().resolve("bin/helm");
    private final Path kubeconfig;
    private final Path home;

    Helm(Path kubeconfig) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " not found: run make controlplane (hack/build-controlplane.sh)");
        }
        this.kubeconfig = kubeconfig;
        try {
            this.home = Files.createTempDirectory("helm-home-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Result(int exitCode, String output) {
    }

    /** Runs helm and returns its exit code and combined output, whatever the exit code. */
    Result run(String... args) {
        List<String> command = new ArrayList<>(List.of(binary.toString()));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(home, "helm-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
            builder.environment().keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
            builder.environment().put("KUBECONFIG", kubeconfig.toString());
            builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
            builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
            builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("helm timed out: " + command);
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
