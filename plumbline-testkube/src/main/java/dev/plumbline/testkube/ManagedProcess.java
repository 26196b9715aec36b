package dev.plumbline.testkube;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One server process (etcd or kube-apiserver) with its output appended to a log file.
 *
 * <p>The server runs under a small {@code sh} guard that holds this JVM's end of a pipe on its
 * standard input: when the JVM dies, even by SIGKILL where no shutdown hook runs, the pipe closes
 * and the guard kills the server, so no test run leaves an API server behind. A SIGTERM to the
 * guard is passed on to the server, which then shuts down gracefully.
 */
final class ManagedProcess {

    private static final String GUARD = String.join("\n",
            "exec 3<&0",
            // The trap comes first: a SIGTERM that arrives while the server starts is not lost.
            "child=; term=",
            "trap 'term=1; [ -n \"$child\" ] && kill -TERM \"$child\" 2>/dev/null' TERM INT HUP",
            "\"$@\" </dev/null 3<&- &",
            "child=$!",
            "[ -n \"$term\" ] && kill -TERM \"$child\" 2>/dev/null",
            "( while read -r _; do :; done; kill -KILL \"$child\" 2>/dev/null ) <&3 &",
            "watcher=$!",
            "exec 3<&-",
            "wait \"$child\"; rc=$?",
            "while kill -0 \"$child\" 2>/dev/null; do wait \"$child\"; rc=$?; done",
            "kill \"$watcher\" 2>/dev/null",
            "exit $rc");

    private final String name;
    private final Path log;
    private final Process process;
    private final OutputStream lifeline;

    private ManagedProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
        this.lifeline = process.getOutputStream();
    }

    static ManagedProcess start(String name, List<String> command, Path log, Path workDir) throws IOException {
        Files.writeString(log, "==== " + Instant.now() + " starting " + name + ": " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        List<String> full = new ArrayList<>();
        full.add("/bin/sh");
        full.add("-c");
        full.add(GUARD);
        full.add("plumbline-" + name);
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ManagedProcess(name, log, builder.start());
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or -1 while the process runs. */
    int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** SIGTERM, then SIGKILL to the whole tree if it has not exited within {@code grace}. */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        // Not Process.destroy(): it also closes the guard's standard input, which the guard takes
        // for the JVM's death and answers with SIGKILL.
        process.toHandle().destroy();
        try {
            if (process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                closeLifeline();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    /** SIGKILL to the server and its guard: the server gets no chance to shut down cleanly. */
    void kill() {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        for (ProcessHandle handle : tree) {
            handle.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
        }
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeLifeline();
    }

    /** Closes this JVM's end of the guard's pipe, as the JVM's death would. */
    void closeLifeline() {
        try {
            lifeline.close();
        } catch (IOException ignored) {
            // The guard is gone already.
        }
    }

    /** The last {@code lines} lines of the log (of every run of this process). */
    String tail(int lines) {
        return tail(log, lines);
    }

    static String tail(Path file, int lines) {
        if (!Files.isRegularFile(file)) {
            return "(no log at " + file + ")";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long start = Math.max(0, length - 256 * 1024);
            byte[] bytes = new byte[(int) (length - start)];
            raf.seek(start);
            raf.readFully(bytes);
            String[] all = new String(bytes, StandardCharsets.UTF_8).split("\n", -1);
            int end = all.length;
            if (end > 0 && all[end - 1].isEmpty()) {
                end--;
            }
            int from = Math.max(0, end - lines);
            return String.join("\n", java.util.Arrays.asList(all).subList(from, end));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }
}
