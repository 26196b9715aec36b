package dev.plumbline.testkube;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds the kube-apiserver and etcd binaries: the system properties {@code plumbline.kubeApiserver}
 * and {@code plumbline.etcd}, else the environment variables {@code PLUMBLINE_KUBE_APISERVER} and
 * {@code PLUMBLINE_ETCD}, else whatever {@code .ci/kube-apiserver.sh} prints. The script builds
 * kube-apiserver from source the first time (minutes) and answers from its cache after that
 * (seconds); it runs at most once per JVM.
 */
final class KubeBinaries {

    static final String SCRIPT = ".ci/kube-apiserver.sh";
    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(120); // a first build on a busy two-core machine

    record Paths(Path kubeApiServer, Path etcd) {}

    private static Map<String, Path> scriptOutput;
    private static IllegalStateException scriptFailure;

    private KubeBinaries() {}

    static Paths locate(Path kubeApiServerOverride, Path etcdOverride) {
        Path kubeApiServer = kubeApiServerOverride != null
                ? kubeApiServerOverride
                : configured("plumbline.kubeApiserver", "PLUMBLINE_KUBE_APISERVER");
        Path etcd = etcdOverride != null ? etcdOverride : configured("plumbline.etcd", "PLUMBLINE_ETCD");
        if (kubeApiServer == null || etcd == null) {
            Map<String, Path> built = runScript();
            if (kubeApiServer == null) {
                kubeApiServer = built.get("KUBE_APISERVER");
            }
            if (etcd == null) {
                etcd = built.get("ETCD");
            }
        }
        return new Paths(checkExecutable(kubeApiServer, "kube-apiserver"), checkExecutable(etcd, "etcd"));
    }

    private static Path configured(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    private static Path checkExecutable(Path path, String what) {
        if (path == null) {
            throw new IllegalStateException(SCRIPT + " printed no path for " + what);
        }
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            throw new IllegalStateException("The " + what + " binary " + path + " does not exist or is not executable."
                    + " Unset the variable that names it to let " + SCRIPT + " provide one.");
        }
        return path;
    }

    private static synchronized Map<String, Path> runScript() {
        if (scriptOutput != null) {
            return scriptOutput;
        }
        if (scriptFailure != null) {
            throw new IllegalStateException(scriptFailure.getMessage(), scriptFailure);
        }
        try {
            scriptOutput = Map.copyOf(runScriptOnce());
            return scriptOutput;
        } catch (IllegalStateException e) {
            scriptFailure = e;
            throw e;
        }
    }

    private static Map<String, Path> runScriptOnce() {
        Path script = findScript();
        Path log;
        try {
            log = Files.createTempFile("plumbline-kube-apiserver-build-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a log file for " + SCRIPT, e);
        }
        System.err.println("[plumbline-testkube] running " + script + " (builds kube-apiserver the first time:"
                + " several minutes; its output goes to " + log + ")");
        Path stdout = log.resolveSibling(log.getFileName() + ".out");
        int exit;
        try {
            Process process = new ProcessBuilder("bash", script.toString())
                    .directory(script.getParent().getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(stdout.toFile())
                    .redirectError(log.toFile())
                    .start();
            if (!process.waitFor(SCRIPT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(SCRIPT + " did not finish within " + SCRIPT_TIMEOUT
                        + "; last lines of its output:\n" + ManagedProcess.tail(log, 40));
            }
            exit = process.exitValue();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + script + " (is bash installed?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
        if (exit != 0) {
            throw new IllegalStateException("No kube-apiserver for the integration tests: " + script + " exited with "
                    + exit + ". Last lines of its output (all of it is in " + log + "):\n"
                    + ManagedProcess.tail(log, 40)
                    + "\nSet PLUMBLINE_KUBE_APISERVER and PLUMBLINE_ETCD to use binaries you have.");
        }
        Map<String, Path> paths = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
            for (String line : lines) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    paths.put(line.substring(0, eq).trim(), Path.of(line.substring(eq + 1).trim()));
                }
            }
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(log);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the output of " + script, e);
        }
        return paths;
    }

    private static Path findScript() {
        String root = System.getProperty("plumbline.repoRoot");
        if (root != null && !root.isBlank() && Files.isRegularFile(Path.of(root).resolve(SCRIPT))) {
            return Path.of(root).resolve(SCRIPT).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SCRIPT))) {
                return dir.resolve(SCRIPT);
            }
        }
        throw new IllegalStateException("No kube-apiserver for the integration tests: PLUMBLINE_KUBE_APISERVER and"
                + " PLUMBLINE_ETCD are not set and " + SCRIPT + " was not found above " + Path.of("").toAbsolutePath()
                + " (nor in the system property plumbline.repoRoot).");
    }
}
