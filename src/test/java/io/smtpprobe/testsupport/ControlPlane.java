package io.smtpprobe.testsupport;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * A real Kubernetes control plane (etcd plus kube-apiserver, no controllers, no nodes) on loopback, for e2e
 * tests. RBAC is enforced; the admin identity is a static token in group {@code system:masters}; the
 * TokenRequest API works, so tests can act as a ServiceAccount with exactly the permissions they granted it.
 *
 * <p>Starting takes several seconds, so tests normally share {@link #shared()}; {@link #start()} gives a
 * private instance that the caller closes. Without kube-controller-manager, deleted namespaces stay
 * Terminating and no {@code default} ServiceAccount appears: tests use fresh namespace names and create
 * the ServiceAccounts they need.
 *
 * <p>hack/local-cluster.sh starts the same processes with the same flags for {@code make run}.
 */
public final class ControlPlane implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final int START_ATTEMPTS = 3;
    private static final String ISSUER = "https://kubernetes.default.svc.cluster.local";
    private static final String CLUSTER_NAME = "smtp-probe-e2e";

    private static ControlPlane shared;
    private static RuntimeException sharedStartFailure;

    private final ControlPlaneBinaries binaries;
    private final Path workDir;
    private final List<ControlPlaneProcess> processes;
    private final String etcdUrl;
    private final String apiServerUrl;
    private final String caPem;
    private final Path kubeconfig;
    private final boolean isShared;
    private final Thread shutdownHook;
    private KubernetesClient client;
    private boolean closed;

    private ControlPlane(ControlPlaneBinaries binaries, Path workDir, List<ControlPlaneProcess> processes,
            String etcdUrl, String apiServerUrl, String caPem, Path kubeconfig, boolean isShared) {
        this.binaries = binaries;
        this.workDir = workDir;
        this.processes = new ArrayList<>(processes);
        this.etcdUrl = etcdUrl;
        this.apiServerUrl = apiServerUrl;
        this.caPem = caPem;
        this.kubeconfig = kubeconfig;
        this.isShared = isShared;
        this.shutdownHook = new Thread(this::stop, "control-plane-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The control plane shared by every test in this JVM: started on first use, stopped when the JVM exits. */
    public static synchronized ControlPlane shared() {
        // A start that failed once fails fast afterwards instead of costing every e2e test the full timeout.
        if (sharedStartFailure != null) {
            throw new IllegalStateException("the shared control plane failed to start", sharedStartFailure);
        }
        if (shared == null) {
            try {
                shared = launch(true);
            } catch (RuntimeException e) {
                sharedStartFailure = e;
                throw e;
            }
        }
        return shared;
    }

    /** A control plane of the caller's own; {@link #close()} stops it and deletes its data. */
    public static ControlPlane start() {
        return launch(false);
    }

    public Path kubeconfigPath() {
        return kubeconfig;
    }

    public String apiServerUrl() {
        return apiServerUrl;
    }

    public ControlPlaneBinaries binaries() {
        return binaries;
    }

    /** A cluster-admin client, owned by this control plane: callers must not close it. */
    public synchronized KubernetesClient kubernetesClient() {
        if (client == null) {
            client = clientFor(kubeconfig);
        }
        return client;
    }

    /** A new client for a kubeconfig (e.g. one from {@link #kubeconfigForServiceAccount}); the caller closes it. */
    public static KubernetesClient clientFor(Path kubeconfigFile) {
        try {
            Config config = Config.fromKubeconfig(Files.readString(kubeconfigFile));
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Mints a one-hour token for an existing ServiceAccount through the TokenRequest API. */
    public String serviceAccountToken(String namespace, String serviceAccount) {
        TokenRequest request = new TokenRequestBuilder()
                .withNewSpec().withAudiences(ISSUER).withExpirationSeconds(3600L).endSpec()
                .build();
        TokenRequest granted = kubernetesClient().serviceAccounts().inNamespace(namespace)
                .withName(serviceAccount).tokenRequest(request);
        return granted.getStatus().getToken();
    }

    /**
     * Writes a kubeconfig that authenticates as the ServiceAccount (which must exist) with a freshly minted
     * token and defaults to its namespace, the way the operator sees the cluster when deployed.
     */
    public Path kubeconfigForServiceAccount(String namespace, String serviceAccount) {
        String user = "system:serviceaccount:" + namespace + ":" + serviceAccount;
        Path file = workDir.resolve("kubeconfig-" + namespace + "-" + serviceAccount);
        writeKubeconfig(file, apiServerUrl, caPem, user, serviceAccountToken(namespace, serviceAccount), namespace);
        return file;
    }

    /** Runs kubectl as admin against this control plane and returns its standard output. */
    public String kubectl(String... args) {
        return kubectlWith(kubeconfig, args);
    }

    /** Runs kubectl with the given kubeconfig; fails with kubectl's output when it exits non-zero. */
    public String kubectlWith(Path kubeconfigFile, String... args) {
        List<String> command = new ArrayList<>(List.of(binaries.kubectl().toString(),
                "--kubeconfig=" + kubeconfigFile, "--request-timeout=20s"));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(workDir, "kubectl-", ".out");
            Path err = Files.createTempFile(workDir, "kubectl-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            builder.environment().keySet().removeIf(key -> key.toLowerCase().endsWith("_proxy"));
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl timed out: " + command);
            }
            String stdout = Files.readString(out);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("kubectl exited with " + process.exitValue() + ": " + command
                        + "\n" + stdout + Files.readString(err));
            }
            return stdout;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    /**
     * Stops kube-apiserver and starts it again on the same port, certificate and etcd, as a crash or an
     * upgrade would: connections and watches end, and the new server's watch cache begins at etcd's current
     * revision, so a watch resumed from an older resourceVersion gets 410 Gone. Returns once it is ready.
     * For a private instance ({@link #start()}): tests sharing the shared one would see it go away.
     */
    public synchronized void restartApiServer() {
        if (isShared) {
            throw new IllegalStateException("restart a private control plane, not the shared one");
        }
        int last = processes.size() - 1;
        processes.get(last).stop();
        ControlPlaneProcess apiServer = ControlPlaneProcess.start("kube-apiserver",
                apiServerCommand(binaries, workDir, etcdUrl, URI.create(apiServerUrl).getPort()),
                workDir.resolve("kube-apiserver-" + System.nanoTime() + ".log"));
        processes.set(last, apiServer);
        try {
            String adminToken = Files.readString(workDir.resolve("tokens.csv")).split(",", 2)[0];
            HttpClient tls = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                    .sslContext(trusting(caPem)).version(HttpClient.Version.HTTP_1_1).build();
            awaitOk(tls, URI.create(apiServerUrl + "/readyz"), adminToken, apiServer,
                    System.nanoTime() + START_TIMEOUT.toNanos());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops a private control plane. The shared one ignores this and stops when the JVM exits. */
    @Override
    public void close() {
        if (isShared) {
            return;
        }
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownAlreadyRunning) {
            // the hook is running or about to run stop() itself
        }
    }

    /** Whether etcd and the apiserver are still running (false after a private instance is closed). */
    public boolean isRunning() {
        return processes.stream().allMatch(ControlPlaneProcess::isAlive);
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        if (client != null) {
            client.close();
        }
        // Reverse start order: the apiserver goes before the etcd it writes to.
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).stop();
        }
        deleteRecursively(workDir);
    }

    private static ControlPlane launch(boolean isShared) {
        ControlPlaneBinaries binaries = ControlPlaneBinaries.locate();
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return launchOnce(binaries, isShared);
            } catch (PortTakenException e) {
                // Free ports are picked before the processes bind them; another test process can win the race.
                last = e;
            }
        }
        throw last;
    }

    private static ControlPlane launchOnce(ControlPlaneBinaries binaries, boolean isShared) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("smtpprobe-controlplane-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<ControlPlaneProcess> processes = new ArrayList<>();
        try {
            int etcdClientPort = freeLoopbackPort();
            int etcdPeerPort = freeLoopbackPort();
            int apiServerPort = freeLoopbackPort();
            String etcdUrl = "http://127.0.0.1:" + etcdClientPort;
            String apiServerUrl = "https://127.0.0.1:" + apiServerPort;
            String adminToken = randomToken();
            writeServiceAccountKeys(workDir);
            Files.writeString(workDir.resolve("tokens.csv"),
                    adminToken + ",smtp-probe-admin,smtp-probe-admin,\"system:masters\"\n");

            ControlPlaneProcess etcd = ControlPlaneProcess.start("etcd", List.of(binaries.etcd().toString(),
                    "--name=default",
                    "--logger=zap",
                    "--data-dir=" + workDir.resolve("etcd"),
                    "--listen-client-urls=" + etcdUrl,
                    "--advertise-client-urls=" + etcdUrl,
                    "--listen-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                    "--initial-advertise-peer-urls=http://127.0.0.1:" + etcdPeerPort,
                    "--initial-cluster=default=http://127.0.0.1:" + etcdPeerPort),
                    workDir.resolve("etcd.log"));
            processes.add(etcd);
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            awaitOk(plain, URI.create(etcdUrl + "/health"), null, etcd, deadline);

            ControlPlaneProcess apiServer = ControlPlaneProcess.start("kube-apiserver",
                    apiServerCommand(binaries, workDir, etcdUrl, apiServerPort), workDir.resolve("kube-apiserver.log"));
            processes.add(apiServer);
            Path servingCert = workDir.resolve("pki").resolve("apiserver.crt");
            while (!Files.exists(servingCert)) {
                apiServer.ensureAlive();
                checkDeadline(deadline, apiServer);
                sleep(100);
            }
            sleep(100); // the apiserver writes the certificate and key in two steps
            String caPem = Files.readString(servingCert);
            HttpClient tls = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                    .sslContext(trusting(caPem)).version(HttpClient.Version.HTTP_1_1).build();
            awaitOk(tls, URI.create(apiServerUrl + "/readyz"), adminToken, apiServer, deadline);

            Path kubeconfig = workDir.resolve("kubeconfig");
            writeKubeconfig(kubeconfig, apiServerUrl, caPem, "smtp-probe-admin", adminToken, "default");
            return new ControlPlane(binaries, workDir, processes, etcdUrl, apiServerUrl, caPem, kubeconfig,
                    isShared);
        } catch (RuntimeException | IOException e) {
            boolean portTaken = processes.stream().anyMatch(p -> p.logTail().contains("address already in use"));
            processes.forEach(ControlPlaneProcess::stop);
            deleteRecursively(workDir);
            if (portTaken) {
                throw new PortTakenException(e);
            }
            throw e instanceof RuntimeException re ? re : new UncheckedIOException((IOException) e);
        }
    }

    private static List<String> apiServerCommand(ControlPlaneBinaries binaries, Path workDir, String etcdUrl,
            int port) {
        return List.of(binaries.kubeApiServer().toString(),
                "--etcd-servers=" + etcdUrl,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                "--secure-port=" + port,
                // Endpoints may not hold loopback addresses, so the "kubernetes" Service would fail to sync forever
                "--endpoint-reconciler-type=none",
                // the apiserver self-signs a serving certificate for 127.0.0.1 and localhost into this directory
                "--cert-dir=" + workDir.resolve("pki"),
                "--token-auth-file=" + workDir.resolve("tokens.csv"),
                "--authorization-mode=RBAC",
                "--service-account-issuer=" + ISSUER,
                "--api-audiences=" + ISSUER,
                "--service-account-key-file=" + workDir.resolve("sa.pub"),
                "--service-account-signing-key-file=" + workDir.resolve("sa.key"),
                // allocation only: no pod or proxy ever routes to this range
                "--service-cluster-ip-range=10.96.0.0/24",
                // ServiceAccount admission wants a default ServiceAccount that only kube-controller-manager creates
                "--disable-admission-plugins=ServiceAccount",
                "--profiling=false");
    }

    private static void awaitOk(HttpClient http, URI uri, String bearerToken, ControlPlaneProcess process,
            long deadline) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET();
        if (bearerToken != null) {
            request.header("Authorization", "Bearer " + bearerToken);
        }
        String lastAnswer = "no answer";
        while (true) {
            process.ensureAlive();
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + uri, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(uri + " not ready within " + START_TIMEOUT + ", last answer: "
                        + lastAnswer + "\n" + process.logTail());
            }
            sleep(250);
        }
    }

    private static void checkDeadline(long deadline, ControlPlaneProcess process) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("control plane not started within " + START_TIMEOUT + "\n"
                    + process.logTail());
        }
    }

    private static SSLContext trusting(String pem) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int index = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                trust.setCertificateEntry("apiserver-" + index++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException("cannot trust the apiserver certificate", e);
        }
    }

    private static void writeServiceAccountKeys(Path workDir) throws IOException {
        KeyPair keys;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            keys = generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Files.writeString(workDir.resolve("sa.key"), pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
        Files.writeString(workDir.resolve("sa.pub"), pem("PUBLIC KEY", keys.getPublic().getEncoded()));
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    static void writeKubeconfig(Path file, String server, String caPem, String user, String token,
            String namespace) {
        String ca = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
        String yaml = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                    certificate-authority-data: %3$s
                users:
                - name: %4$s
                  user:
                    token: %5$s
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %4$s
                    namespace: %6$s
                current-context: %1$s
                """.formatted(CLUSTER_NAME, server, ca, user, token, namespace);
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String randomToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the control plane", e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }

    private static final class PortTakenException extends IllegalStateException {
        PortTakenException(Exception cause) {
            super("a control-plane port was taken between picking and binding it", cause);
        }
    }
}
