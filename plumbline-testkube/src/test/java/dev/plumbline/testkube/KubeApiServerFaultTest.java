package dev.plumbline.testkube;

import static dev.plumbline.testkube.KubeApiServerTest.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plumbline.testkube.KubeApiServerTest.Events;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The API server goes away and comes back; history is compacted. What clients see. */
class KubeApiServerFaultTest {

    /**
     * ConfigMaps get no watch cache here, so their watches are served by etcd itself, as every
     * watch is on an API server that runs with {@code --watch-cache=false}. ServiceAccounts (like
     * every other resource) are served from the watch cache, as usual.
     */
    @RegisterExtension
    static final KubeApiServer KUBE = KubeApiServer.builder()
            .apiServerFlag("watch-cache-sizes", "configmaps#0")
            .build();

    @AfterEach
    void apiServerRunsAgain() {
        KUBE.startApiServer();
    }

    @Test
    void comesBackOnTheSamePortWithTheSameDataAndInformersCatchUp() throws Exception {
        KubernetesClient client = KUBE.client();
        namespace("restart");
        client.configMaps().inNamespace("restart").resource(configMap("before", 1)).create();
        int port = KUBE.port();
        try (KubernetesClient impatient = new KubernetesClientBuilder().withConfig(new ConfigBuilder(
                        Config.fromKubeconfig(KUBE.kubeconfig().toFile())).withRequestRetryBackoffLimit(0).build())
                .build();
                SharedIndexInformer<ServiceAccount> informer =
                        client.serviceAccounts().inNamespace("restart").inform()) {
            assertThat(informer.hasSynced()).isTrue();

            KUBE.stopApiServer();
            assertThat(KUBE.isApiServerRunning()).isFalse();
            assertThatThrownBy(() -> impatient.configMaps().inNamespace("restart").list())
                    .isInstanceOf(KubernetesClientException.class);

            KUBE.startApiServer();
            assertThat(KUBE.isApiServerRunning()).isTrue();
            assertThat(KUBE.port()).isEqualTo(port);
            assertThat(impatient.configMaps().inNamespace("restart").withName("before").get().getData())
                    .containsEntry("value", "1");

            client.serviceAccounts().inNamespace("restart").resource(new ServiceAccountBuilder()
                    .withNewMetadata().withName("after").endMetadata().build()).create();
            await("the informer sees an object created after the restart",
                    () -> informer.getStore().getByKey("restart/after") != null);
        }
    }

    @Test
    void aWatchResumesFromEtcdButTheWatchCacheAnswersGoneAfterACrash() throws Exception {
        KubernetesClient client = KUBE.client();
        namespace("crash");
        Events configMaps = new Events();
        Accounts accounts = new Accounts();
        try (Watch fromEtcd = client.configMaps().inNamespace("crash").watch(configMaps);
                Watch fromCache = client.serviceAccounts().inNamespace("crash").watch(accounts)) {
            client.serviceAccounts().inNamespace("crash").resource(serviceAccount("one")).create();
            assertThat(accounts.next()).isEqualTo("ADDED one");
            // Any later write moves etcd's revision past the last one the ServiceAccount watch saw.
            client.configMaps().inNamespace("crash").resource(configMap("one", 1)).create();
            assertThat(configMaps.next()).isEqualTo("ADDED one");

            KUBE.killApiServer();
            KUBE.startApiServer();

            // fabric8 reconnects with the last resourceVersion it saw. etcd still has that revision,
            // so the ConfigMap watch goes on without a gap...
            client.configMaps().inNamespace("crash").resource(configMap("two", 2)).create();
            assertThat(configMaps.next()).isEqualTo("ADDED two");
            // ...but the new API server's watch cache starts at its own first list, later than that
            // resourceVersion: 410 Gone, and the client has to list again.
            assertThat(accounts.next()).startsWith("CLOSED");
            assertThat(accounts.closedWith.isHttpGone()).as("closed with 410 Gone: %s", accounts.closedWith)
                    .isTrue();
        }
    }

    @Test
    void aWatchFromACompactedResourceVersionIsGone() throws Exception {
        KubernetesClient client = KUBE.client();
        namespace("compacted");
        ConfigMap created = client.configMaps().inNamespace("compacted").resource(configMap("settings", 0)).create();
        String old = created.getMetadata().getResourceVersion();
        for (int i = 1; i <= 3; i++) {
            int value = i;
            client.configMaps().inNamespace("compacted").withName("settings")
                    .edit(cm -> new ConfigMapBuilder(cm).addToData("value", Integer.toString(value)).build());
        }

        // Before compaction, a watch from the old resourceVersion replays the three edits.
        Events replay = new Events();
        try (Watch ignored = client.configMaps().inNamespace("compacted")
                .watch(new ListOptionsBuilder().withResourceVersion(old).build(), replay)) {
            for (int i = 0; i < 3; i++) {
                assertThat(replay.next()).isEqualTo("MODIFIED settings");
            }
        }

        long revision = KUBE.compactEtcd();
        assertThat(revision).isGreaterThan(Long.parseLong(old));

        Events gone = new Events();
        try (Watch ignored = client.configMaps().inNamespace("compacted")
                .watch(new ListOptionsBuilder().withResourceVersion(old).build(), gone)) {
            assertThat(gone.next()).startsWith("CLOSED");
            assertThat(gone.closedWith.isHttpGone()).as("closed with 410 Gone: %s", gone.closedWith).isTrue();
        } catch (KubernetesClientException e) {
            assertThat(e.getCode()).as("watch refused: %s", e).isEqualTo(410);
        }
        // A watch from after the compaction works as ever.
        Events fresh = new Events();
        try (Watch ignored = client.configMaps().inNamespace("compacted")
                .watch(new ListOptionsBuilder().withResourceVersion(Long.toString(revision)).build(), fresh)) {
            client.configMaps().inNamespace("compacted").withName("settings").delete();
            assertThat(fresh.next()).isEqualTo("DELETED settings");
        }
    }

    private static void namespace(String name) {
        KUBE.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
                .build()).create();
    }

    private static ServiceAccount serviceAccount(String name) {
        return new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what + " within 60 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Records watch events on ServiceAccounts as "TYPE name". */
    static final class Accounts implements Watcher<ServiceAccount> {
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        volatile WatcherException closedWith;

        @Override
        public void eventReceived(Action action, ServiceAccount resource) {
            queue.add(action + " " + resource.getMetadata().getName());
        }

        @Override
        public void onClose(WatcherException cause) {
            closedWith = cause;
            queue.add("CLOSED " + cause.getMessage());
        }

        String next() throws InterruptedException {
            String event = queue.poll(60, TimeUnit.SECONDS);
            assertThat(event).as("a watch event within 60 s").isNotNull();
            return event;
        }
    }
}
