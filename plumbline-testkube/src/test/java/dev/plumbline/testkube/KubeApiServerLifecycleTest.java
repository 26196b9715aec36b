package dev.plumbline.testkube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, failing to start, and leaving nothing behind. */
class KubeApiServerLifecycleTest {

    @Test
    void aMissingBinaryFailsWithAClearMessage() {
        KubeApiServer server = KubeApiServer.builder()
                .kubeApiServerBinary(Path.of("/nonexistent/kube-apiserver"))
                .etcdBinary(Path.of("/nonexistent/etcd"))
                .build();
        assertThatThrownBy(server::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/nonexistent/kube-apiserver does not exist or is not executable");
        assertThatThrownBy(server::start).hasMessageContaining("closed");
    }

    @Test
    void anApiServerThatExitsAtOnceFailsWithItsLog(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("kube-apiserver");
        Files.writeString(fake, "#!/bin/sh\necho 'Error: unknown flag: --no-such-thing' >&2\nexit 1\n");
        fake.toFile().setExecutable(true);
        KubeApiServer server = KubeApiServer.builder().kubeApiServerBinary(fake).logDirectory(dir.resolve("logs"))
                .build();
        assertThatThrownBy(server::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kube-apiserver exited with code 1")
                .hasMessageContaining("Error: unknown flag: --no-such-thing");
        assertThat(dir.resolve("logs/kube-apiserver.log")).content().contains("Error: unknown flag");
        assertThat(dir.resolve("logs/etcd.log")).exists();
    }

    @Test
    void answersNothingBeforeItStarts() {
        KubeApiServer server = KubeApiServer.builder().build();
        assertThatThrownBy(server::client).hasMessageContaining("start()");
        assertThatThrownBy(server::kubeconfig).hasMessageContaining("start()");
        server.close();
    }

    @Test
    void acceptsOnlyDnsLabelsAsUserNames() {
        assertThatThrownBy(() -> KubeApiServer.builder().user("Auditor")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KubeApiServer.builder().user(KubeApiServer.ADMIN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theSharedServerIsOneInstance() {
        assertThat(KubeApiServer.shared()).isSameAs(KubeApiServer.shared());
    }

    @Test
    void closeStopsBothProcessesAndDeletesItsFiles() {
        Path data;
        Path logs;
        try (KubeApiServer server = KubeApiServer.builder().user("reader").build().start()) {
            data = server.kubeconfig().getParent();
            logs = server.apiServerLog().getParent();
            assertThat(server.kubeconfig("reader")).exists();
            assertThat(server.token("reader")).isNotEqualTo(server.token(KubeApiServer.ADMIN));
            assertThat(server.caCertificate()).content().startsWith("-----BEGIN CERTIFICATE-----");
            assertThat(processesUsing(data)).as("etcd and kube-apiserver").hasSize(2);
            assertThat(server.apiServerLog()).exists();
            assertThat(server.etcdLog()).exists();
        }
        assertThat(processesUsing(data)).isEmpty();
        assertThat(data).doesNotExist();
        assertThat(logs).doesNotExist();
    }

    @Test
    void theGuardKillsTheServerWhenTheJvmGoesAway(@TempDir Path dir) throws Exception {
        ManagedProcess sleeper = ManagedProcess.start("sleeper", List.of("sleep", "600"), dir.resolve("log"), dir);
        ProcessHandle sleep = awaitChild(sleeper);
        sleeper.closeLifeline(); // what the JVM's death does to the pipe
        assertThat(sleep.onExit().get(10, TimeUnit.SECONDS).isAlive()).isFalse();
        awaitExit(sleeper);
    }

    @Test
    void stopPassesSigtermOnToTheServer(@TempDir Path dir) throws Exception {
        ManagedProcess sleeper = ManagedProcess.start("sleeper", List.of("sh", "-c",
                "trap 'echo got TERM; exit 0' TERM; echo ready; while :; do sleep 0.1; done"), dir.resolve("log"), dir);
        for (int i = 0; i < 100 && !sleeper.tail(1).equals("ready"); i++) {
            Thread.sleep(50);
        }
        sleeper.stop(Duration.ofSeconds(10));
        assertThat(sleeper.isAlive()).isFalse();
        assertThat(sleeper.exitCode()).isZero();
        assertThat(sleeper.tail(5)).contains("got TERM");
    }

    private static List<ProcessHandle> processesUsing(Path dir) {
        String marker = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().arguments().map(args -> String.join(" ", args).contains(marker)).orElse(false))
                .filter(p -> p.info().command().map(c -> !c.endsWith("sh")).orElse(true)) // not the guard
                .toList();
    }

    private static ProcessHandle awaitChild(ManagedProcess process) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            List<ProcessHandle> children = ProcessHandle.current().descendants()
                    .filter(p -> p.info().command().map(c -> !c.endsWith("sh")).orElse(false))
                    .filter(p -> p.parent().map(parent -> parent.info().arguments()
                            .map(args -> String.join(" ", args).contains("plumbline-" + process.name()))
                            .orElse(false)).orElse(false))
                    .toList();
            if (!children.isEmpty()) {
                return children.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the guard did not start its child");
    }

    private static void awaitExit(ManagedProcess process) throws InterruptedException {
        for (int i = 0; i < 100 && process.isAlive(); i++) {
            Thread.sleep(50);
        }
        assertThat(process.isAlive()).as("the guard exits with its child").isFalse();
    }
}
