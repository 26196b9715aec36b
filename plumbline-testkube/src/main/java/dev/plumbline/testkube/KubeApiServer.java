package dev.plumbline.testkube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * A real Kubernetes API server for integration tests: kube-apiserver, built from the
 * {@code k8s.io/kubernetes} sources by {@code .ci/kube-apiserver.sh}, on its own etcd, both on free
 * loopback ports with their data in a temporary directory. No scheduler, controller manager or
 * kubelet runs: objects are stored, validated, defaulted, admitted, listed and watched exactly as
 * in a cluster, but nothing acts on them (a Deployment makes no Pods).
 *
 * <p>As a JUnit 5 extension it starts before the first test of the class and stops after the last:
 * <pre>{@code
 * @RegisterExtension
 * static final KubeApiServer KUBE = KubeApiServer.builder().user("viewer").build();
 *
 * @Test
 * void listsNamespaces() {
 *     assertThat(KUBE.client().namespaces().list().getItems()).isNotEmpty();
 * }
 * }</pre>
 * or by hand: {@code try (KubeApiServer kube = KubeApiServer.builder().build().start()) { ... }}.
 * {@link #shared()} is one instance for the whole JVM, stopped when the JVM exits; use it for
 * tests that neither stop the server nor depend on an empty cluster.
 *
 * <p>The user {@value #ADMIN} (group {@code system:masters}) is always there; {@link Builder#user}
 * adds others, with no permissions until a test binds roles to them (authorization is RBAC).
 * The API server can be stopped and started again on the same port and the same etcd
 * ({@link #stopApiServer()}, {@link #killApiServer()}, {@link #startApiServer()},
 * {@link #restartApiServer()}), to test what a client does when the API server goes away.
 *
 * <p>Defaults that differ from a kubeadm cluster: the {@code ServiceAccount} admission plugin is
 * off, so Pods can be created without their service account existing (no controller manager makes
 * {@code default}) and are stored without an injected token volume; privileged containers are
 * allowed; the {@code kubernetes} Service's endpoints are not reconciled (a loopback address
 * cannot be an endpoint). Any flag can be changed with {@link Builder#apiServerFlag}.
 *
 * <p>Processes are stopped and the temporary directory removed on {@link #close()}, at JVM exit,
 * and (for the processes) even when the JVM is killed. When a test fails, the tail of both logs is
 * attached to its exception and the logs are kept.
 */
public final class KubeApiServer
        implements AutoCloseable, BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {

    /** The name of the administrator, a member of {@code system:masters}. */
    public static final String ADMIN = "admin";

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final int LOG_TAIL_LINES = 40;
    private static final Pattern REVISION = Pattern.compile("\"revision\"\\s*:\\s*\"?(\\d+)");
    private static final String DATA_PREFIX = "plumbline-kube-data-";
    private static final String OWNER = "owner.pid";
    private static final Set<KubeApiServer> LIVE = ConcurrentHashMap.newKeySet();
    private static KubeApiServer shared;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> List.copyOf(LIVE).forEach(KubeApiServer::close), "plumbline-kube-apiserver-cleanup"));
    }

    private final Map<String, List<String>> users;
    private final Map<String, String> flags;
    private final Duration startupTimeout;
    private final Path kubeApiServerBinary;
    private final Path etcdBinary;
    private final Path logDirectory;
    private final boolean isShared;

    private KubeBinaries.Paths binaries;
    private Path dir;
    private Path logDir;
    private Pki pki;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private final Map<String, Path> kubeconfigs = new LinkedHashMap<>();
    private HttpClient http;
    private int etcdPort;
    private int port;
    private ManagedProcess etcd;
    private ManagedProcess apiServer;
    private KubernetesClient client;
    private volatile boolean started;
    private volatile boolean closed;
    private volatile boolean failed;

    private KubeApiServer(Builder builder, boolean isShared) {
        this.users = new LinkedHashMap<>(builder.users);
        this.flags = new LinkedHashMap<>(builder.flags);
        this.startupTimeout = builder.startupTimeout;
        this.kubeApiServerBinary = builder.kubeApiServerBinary;
        this.etcdBinary = builder.etcdBinary;
        this.logDirectory = builder.logDirectory;
        this.isShared = isShared;
    }

    /** A builder for a server of your own. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * One server for the whole JVM with default settings, started on first use (by the extension or
     * by {@link #start()}), never stopped by the extension, closed when the JVM exits.
     */
    public static synchronized KubeApiServer shared() {
        if (shared == null || shared.closed) {
            shared = new KubeApiServer(new Builder(), true);
        }
        return shared;
    }

    /**
     * Starts etcd and the API server and waits until {@code /readyz} answers ok and the
     * {@code default} namespace exists. Does nothing if already started.
     *
     * @throws IllegalStateException if either does not come up; the message has the tail of the logs
     */
    public synchronized KubeApiServer start() {
        if (closed) {
            throw new IllegalStateException("this KubeApiServer was closed; build a new one");
        }
        if (started) {
            return this;
        }
        LIVE.add(this);
        long begin = System.nanoTime();
        try {
            binaries = KubeBinaries.locate(kubeApiServerBinary, etcdBinary);
            sweepOrphans();
            dir = Files.createTempDirectory(DATA_PREFIX);
            Files.writeString(dir.resolve(OWNER), Long.toString(ProcessHandle.current().pid()));
            logDir = logDirectory != null
                    ? Files.createDirectories(logDirectory)
                    : Files.createTempDirectory("plumbline-kube-logs-");
            pki = Pki.generate(dir.resolve("pki"));
            http = HttpClient.newBuilder()
                    .sslContext(trusting(pki))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            writeTokens();
            startEtcd();
            startApiServerOnFreePort();
            for (String user : tokens.keySet()) {
                kubeconfigs.put(user, writeKubeconfig(user));
            }
            started = true;
            client = newClient(ADMIN);
            System.err.printf("[plumbline-testkube] kube-apiserver ready at %s in %.1f s (logs in %s)%n",
                    url(), (System.nanoTime() - begin) / 1e9, logDir);
            return this;
        } catch (IOException | RuntimeException e) {
            failed = true;
            String logs = logTail();
            close();
            throw new IllegalStateException("Could not start the Kubernetes API server for the tests: " + e.getMessage()
                    + (logs.isBlank() ? "" : "\n" + logs), e);
        }
    }

    /** The API server's base URL, {@code https://127.0.0.1:<port>}. */
    public URI url() {
        return URI.create("https://127.0.0.1:" + port);
    }

    /** The API server's port: the same across restarts. */
    public int port() {
        return port;
    }

    /** A kubeconfig file for {@value #ADMIN}: server, CA data and bearer token. */
    public Path kubeconfig() {
        return kubeconfig(ADMIN);
    }

    /** A kubeconfig file for {@code user} (one added with {@link Builder#user}, or {@value #ADMIN}). */
    public Path kubeconfig(String user) {
        checkStarted();
        return known(kubeconfigs, user);
    }

    /** The bearer token of {@code user}. */
    public String token(String user) {
        checkStarted();
        return known(tokens, user);
    }

    /** The CA certificate (PEM) that signed the API server's serving certificate. */
    public Path caCertificate() {
        checkStarted();
        return pki.caCert;
    }

    /** A client for {@value #ADMIN}, owned by this server: do not close it. */
    public KubernetesClient client() {
        checkStarted();
        return client;
    }

    /** A new client for {@value #ADMIN}; the caller closes it. */
    public KubernetesClient newClient() {
        return newClient(ADMIN);
    }

    /** A new client for {@code user}, read from that user's kubeconfig; the caller closes it. */
    public KubernetesClient newClient(String user) {
        checkStarted();
        known(tokens, user);
        Config config = Config.fromKubeconfig(null, kubeconfigText(user), null);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    /** Whether the API server process runs (etcd runs from {@link #start()} to {@link #close()}). */
    public synchronized boolean isApiServerRunning() {
        return apiServer != null && apiServer.isAlive();
    }

    /** Stops the API server gracefully (SIGTERM; SIGKILL after 20 s). etcd and all data stay. */
    public synchronized void stopApiServer() {
        checkStarted();
        if (apiServer != null) {
            apiServer.stop(STOP_GRACE);
        }
    }

    /** Kills the API server with SIGKILL, as a crash would. etcd and all data stay. */
    public synchronized void killApiServer() {
        checkStarted();
        if (apiServer != null) {
            apiServer.kill();
        }
    }

    /**
     * Starts the API server again after a stop or kill, on the same port, etcd, certificates and
     * tokens, and waits until it is ready. Does nothing if it runs.
     */
    public synchronized void startApiServer() {
        checkStarted();
        if (isApiServerRunning()) {
            return;
        }
        try {
            launchApiServer();
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw new IllegalStateException("The API server did not come back on port " + port + ": " + e.getMessage()
                    + "\n" + logTail(), e);
        }
    }

    /** {@link #stopApiServer()} then {@link #startApiServer()}. */
    public synchronized void restartApiServer() {
        stopApiServer();
        startApiServer();
    }

    /** etcd's client URL, {@code http://127.0.0.1:<port>} (no TLS, no authentication). */
    public String etcdEndpoint() {
        return "http://127.0.0.1:" + etcdPort;
    }

    /**
     * Compacts etcd's history up to its current revision, as the API server's own compactor does
     * every five minutes. A watch that starts from an older resourceVersion and is served by etcd
     * then fails with 410 Gone.
     *
     * @return the revision compacted to: every resourceVersion below it is gone from etcd
     */
    public long compactEtcd() {
        checkStarted();
        String range = etcdPost("/v3/kv/range", "{\"key\":\""
                + Base64.getEncoder().encodeToString("/".getBytes(StandardCharsets.UTF_8)) + "\",\"limit\":1}");
        Matcher matcher = REVISION.matcher(range);
        if (!matcher.find()) {
            throw new IllegalStateException("etcd answered no revision: " + range);
        }
        long revision = Long.parseLong(matcher.group(1));
        etcdPost("/v3/kv/compaction", "{\"revision\":\"" + revision + "\",\"physical\":true}");
        return revision;
    }

    /** The API server's log file (all its runs). Kept after close if a test failed ({@link Builder#logDirectory}). */
    public Path apiServerLog() {
        checkStarted();
        return logDir.resolve("kube-apiserver.log");
    }

    /** etcd's log file. Kept after close if a test failed. */
    public Path etcdLog() {
        checkStarted();
        return logDir.resolve("etcd.log");
    }

    /** The last lines of both logs, for a failure message. */
    public String logTail() {
        StringBuilder out = new StringBuilder();
        if (logDir != null) {
            for (String name : List.of("kube-apiserver", "etcd")) {
                Path log = logDir.resolve(name + ".log");
                if (Files.exists(log)) {
                    out.append("---- last lines of ").append(log).append(" ----\n")
                            .append(ManagedProcess.tail(log, LOG_TAIL_LINES)).append('\n');
                }
            }
        }
        return out.toString();
    }

    /**
     * Stops the API server and etcd and deletes the temporary directory; the logs too unless a test
     * failed. Idempotent; this server cannot be started again.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        LIVE.remove(this);
        if (client != null) {
            client.close();
        }
        if (apiServer != null) {
            apiServer.stop(STOP_GRACE);
        }
        if (etcd != null) {
            etcd.stop(STOP_GRACE);
        }
        deleteTree(dir);
        if (logDirectory == null && logDir != null) {
            if (failed) {
                System.err.println("[plumbline-testkube] a test failed: the API server's and etcd's logs are kept in "
                        + logDir);
            } else {
                deleteTree(logDir);
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!isShared) {
            close();
        }
    }

    /** Attaches the tail of the logs to a failing test's exception, and keeps the logs. */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        failed = true;
        throwable.addSuppressed(new ServerLogs(logTail()));
        throw throwable;
    }

    /** Not an error in itself: the log tails attached to a failing test's exception. */
    static final class ServerLogs extends Exception {
        private static final long serialVersionUID = 1L;

        ServerLogs(String tails) {
            super("logs of the test's API server and etcd\n" + tails, null, false, false);
        }
    }

    // ---- internals ----

    private void checkStarted() {
        if (!started || closed) {
            throw new IllegalStateException(closed ? "this KubeApiServer was closed" : "call start() first");
        }
    }

    private static <T> T known(Map<String, T> map, String user) {
        T value = map.get(Objects.requireNonNull(user, "user"));
        if (value == null) {
            throw new IllegalArgumentException(
                    "unknown user " + user + "; add it with KubeApiServer.builder().user(...)");
        }
        return value;
    }

    private void writeTokens() throws IOException {
        SecureRandom random = new SecureRandom();
        StringBuilder csv = new StringBuilder();
        Map<String, List<String>> all = new LinkedHashMap<>();
        all.put(ADMIN, List.of("system:masters"));
        all.putAll(users);
        for (Map.Entry<String, List<String>> user : all.entrySet()) {
            byte[] bytes = new byte[24];
            random.nextBytes(bytes);
            String token = HexFormat.of().formatHex(bytes);
            tokens.put(user.getKey(), token);
            csv.append(token).append(',').append(user.getKey()).append(',').append("uid-").append(user.getKey());
            if (!user.getValue().isEmpty()) {
                csv.append(",\"").append(String.join(",", user.getValue())).append('"');
            }
            csv.append('\n');
        }
        Files.writeString(dir.resolve("tokens.csv"), csv, StandardCharsets.UTF_8);
    }

    private void startEtcd() throws IOException {
        Path log = logDir.resolve("etcd.log");
        for (int attempt = 1; ; attempt++) {
            etcdPort = freePort();
            int peerPort = freePort();
            String client = etcdEndpoint();
            String peer = "http://127.0.0.1:" + peerPort;
            etcd = ManagedProcess.start("etcd", List.of(
                    binaries.etcd().toString(),
                    "--name=plumbline",
                    "--data-dir=" + dir.resolve("etcd"),
                    "--listen-client-urls=" + client,
                    "--advertise-client-urls=" + client,
                    "--listen-peer-urls=" + peer,
                    "--initial-advertise-peer-urls=" + peer,
                    "--initial-cluster=plumbline=" + peer,
                    "--initial-cluster-state=new"), log, dir);
            if (waitUntil(etcd, () -> status(HttpRequest.newBuilder(URI.create(client + "/health")).build()) == 200,
                    Duration.ofSeconds(30))) {
                return;
            }
            if (attempt < 3 && portTaken(etcd)) {
                continue;
            }
            throw new IOException("etcd " + (etcd.isAlive() ? "did not become healthy within 30 s"
                    : "exited with code " + etcd.exitCode()));
        }
    }

    private void startApiServerOnFreePort() throws IOException {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            try {
                launchApiServer();
                return;
            } catch (IOException e) {
                if (attempt >= 3 || apiServer == null || !portTaken(apiServer)) {
                    throw e;
                }
            }
        }
    }

    private List<String> apiServerCommand() {
        Map<String, String> args = new LinkedHashMap<>();
        args.put("etcd-servers", etcdEndpoint());
        args.put("bind-address", "127.0.0.1");
        args.put("advertise-address", "127.0.0.1");
        args.put("secure-port", Integer.toString(port));
        args.put("tls-cert-file", pki.serverCert.toString());
        args.put("tls-private-key-file", pki.serverKey.toString());
        args.put("client-ca-file", pki.caCert.toString());
        args.put("token-auth-file", dir.resolve("tokens.csv").toString());
        args.put("authorization-mode", "RBAC");
        args.put("service-account-issuer", "https://kubernetes.default.svc.cluster.local");
        args.put("service-account-key-file", pki.serviceAccountPublicKey.toString());
        args.put("service-account-signing-key-file", pki.serviceAccountKey.toString());
        args.put("service-cluster-ip-range", "10.96.0.0/16");
        args.put("allow-privileged", "true");
        args.put("disable-admission-plugins", "ServiceAccount");
        args.put("endpoint-reconciler-type", "none");
        args.put("profiling", "false");
        args.putAll(flags);
        List<String> command = new ArrayList<>();
        command.add(binaries.kubeApiServer().toString());
        args.forEach((name, value) -> {
            if (value != null) {
                command.add("--" + name + "=" + value);
            }
        });
        return command;
    }

    private void launchApiServer() throws IOException {
        apiServer = ManagedProcess.start("kube-apiserver", apiServerCommand(), logDir.resolve("kube-apiserver.log"),
                dir);
        String token = tokens.get(ADMIN);
        boolean ready = waitUntil(apiServer, () -> status(get("/readyz", token)) == 200
                && status(get("/api/v1/namespaces/default", token)) == 200, startupTimeout);
        if (!ready) {
            String why = apiServer.isAlive()
                    ? "was not ready within " + startupTimeout.toSeconds() + " s"
                    : "exited with code " + apiServer.exitCode();
            if (apiServer.isAlive()) {
                apiServer.kill();
            }
            throw new IOException("kube-apiserver " + why);
        }
    }

    private HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(url().resolve(path))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(5))
                .build();
    }

    private int status(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String etcdPost(String path, String json) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(etcdEndpoint() + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("etcd " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("etcd " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private interface Check {
        boolean ok();
    }

    /** Polls {@code check} until it holds, the process exits, or {@code timeout} passes. */
    private static boolean waitUntil(ManagedProcess process, Check check, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            if (check.ok()) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static boolean portTaken(ManagedProcess process) {
        if (process.isAlive()) {
            process.kill();
        }
        return process.tail(30).contains("address already in use");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static SSLContext trusting(Pki pki) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("plumbline-test-ca", pki.ca);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the test CA: " + e, e);
        }
    }

    private String kubeconfigText(String user) {
        String ca = Base64.getEncoder().encodeToString(pki.caPem().getBytes(StandardCharsets.US_ASCII));
        return "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- name: plumbline-test\n"
                + "  cluster:\n"
                + "    server: " + url() + "\n"
                + "    certificate-authority-data: " + ca + "\n"
                + "users:\n"
                + "- name: " + user + "\n"
                + "  user:\n"
                + "    token: " + tokens.get(user) + "\n"
                + "contexts:\n"
                + "- name: " + user + "@plumbline-test\n"
                + "  context:\n"
                + "    cluster: plumbline-test\n"
                + "    user: " + user + "\n"
                + "current-context: " + user + "@plumbline-test\n";
    }

    private Path writeKubeconfig(String user) throws IOException {
        Path file = dir.resolve("kubeconfig-" + user);
        Files.writeString(file, kubeconfigText(user), StandardCharsets.UTF_8);
        return file;
    }

    /** Deletes the data directories of servers whose JVM was killed (its processes died with it). */
    private static void sweepOrphans() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (var dirs = Files.newDirectoryStream(tmp, DATA_PREFIX + "*")) {
            for (Path candidate : dirs) {
                try {
                    long owner = Long.parseLong(Files.readString(candidate.resolve(OWNER)).trim());
                    if (ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                        continue;
                    }
                } catch (IOException | NumberFormatException e) {
                    continue; // not ours to judge
                }
                deleteTree(candidate);
            }
        } catch (IOException e) {
            // Best effort only.
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                    Files.deleteIfExists(directory);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("[plumbline-testkube] could not delete " + root + ": " + e);
        }
    }

    /** Settings for a {@link KubeApiServer}. */
    public static final class Builder {
        private final Map<String, List<String>> users = new LinkedHashMap<>();
        private final Map<String, String> flags = new LinkedHashMap<>();
        private Duration startupTimeout = Duration.ofSeconds(120);
        private Path kubeApiServerBinary;
        private Path etcdBinary;
        private Path logDirectory;

        private Builder() {}

        /**
         * Adds a user who authenticates with a bearer token ({@link KubeApiServer#token},
         * {@link KubeApiServer#kubeconfig(String)}, {@link KubeApiServer#newClient(String)}) and
         * belongs to {@code groups} (plus {@code system:authenticated}). It has no other rights
         * until a test binds roles to it.
         */
        public Builder user(String name, String... groups) {
            if (name == null || !name.matches("[a-z0-9]([a-z0-9.-]*[a-z0-9])?") || name.equals(ADMIN)) {
                throw new IllegalArgumentException("user names are lowercase DNS labels other than " + ADMIN + ": "
                        + name);
            }
            users.put(name, List.of(groups));
            return this;
        }

        /**
         * Sets the kube-apiserver flag {@code --name=value}, replacing this class's default for it;
         * a {@code null} value removes the flag. Example: {@code apiServerFlag("watch-cache", "false")}.
         */
        public Builder apiServerFlag(String name, String value) {
            String bare = Objects.requireNonNull(name, "name").replaceFirst("^--", "");
            flags.put(bare, value);
            return this;
        }

        /** How long to wait for {@code /readyz} at each start (default 120 s). */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Uses this kube-apiserver binary instead of locating one. */
        public Builder kubeApiServerBinary(Path binary) {
            this.kubeApiServerBinary = binary;
            return this;
        }

        /** Uses this etcd binary instead of locating one. */
        public Builder etcdBinary(Path binary) {
            this.etcdBinary = binary;
            return this;
        }

        /**
         * Writes {@code kube-apiserver.log} and {@code etcd.log} into {@code directory} (created if
         * needed) and leaves them there. By default they go to a temporary directory that is
         * deleted on close unless a test failed.
         */
        public Builder logDirectory(Path directory) {
            this.logDirectory = directory;
            return this;
        }

        /** A server with these settings, not started yet. */
        public KubeApiServer build() {
            return new KubeApiServer(this, false);
        }
    }
}
