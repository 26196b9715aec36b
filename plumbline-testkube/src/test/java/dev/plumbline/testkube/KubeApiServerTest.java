package dev.plumbline.testkube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a real API server does that a mock does not: defaulting, validation, RBAC, paging, watches. */
class KubeApiServerTest {

    @RegisterExtension
    static final KubeApiServer KUBE = KubeApiServer.builder().user("auditor", "plumbline:auditors").build();

    @Test
    void reportsTheBuiltVersionAndServesDiscovery() throws Exception {
        KubernetesClient client = KUBE.client();
        assertThat(client.getKubernetesVersion().getGitVersion()).matches("v1\\.\\d+\\.\\d+");
        assertThat(client.getApiGroups().getGroups()).extracting(APIGroup::getName)
                .contains("apps", "batch", "rbac.authorization.k8s.io", "networking.k8s.io", "policy");
        assertThat(client.namespaces().list().getItems()).extracting(ns -> ns.getMetadata().getName())
                .contains("default", "kube-system", "kube-public");

        try (KubernetesClient fromFile = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(KUBE.kubeconfig().toFile())).build()) {
            assertThat(fromFile.getMasterUrl().toString()).startsWith(KUBE.url().toString());
            assertThat(fromFile.namespaces().withName("default").get()).isNotNull();
        }
    }

    @Test
    void storesWorkloadsRbacAndNetworkPoliciesWithServerDefaults() {
        KubernetesClient client = KUBE.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .addToLabels("pod-security.kubernetes.io/enforce", "privileged").endMetadata().build()).create();

        Deployment deployment = client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        // Defaulted by the server, as in a cluster: a mock stores only what it is given.
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
        assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getImagePullPolicy())
                .isEqualTo("IfNotPresent");
        assertThat(deployment.getMetadata().getResourceVersion()).isNotBlank();
        assertThat(deployment.getMetadata().getGeneration()).isEqualTo(1L);

        Pod pod = client.pods().inNamespace("shop").resource(new PodBuilder()
                .withNewMetadata().withName("debug").endMetadata()
                .withNewSpec().addNewContainer().withName("shell").withImage("busybox:1.36")
                .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer().endSpec()
                .build()).create();
        assertThat(pod.getSpec().getContainers().get(0).getSecurityContext().getPrivileged()).isTrue();
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(pod.getStatus().getPhase()).isEqualTo("Pending"); // no scheduler, no kubelet

        client.rbac().roles().inNamespace("shop").resource(new RoleBuilder().withNewMetadata()
                .withName("secret-reader").endMetadata().addNewRule().withApiGroups("").withResources("secrets")
                .withVerbs("get", "list", "watch").endRule().build()).create();
        RoleBinding binding = client.rbac().roleBindings().inNamespace("shop").resource(new RoleBindingBuilder()
                .withNewMetadata().withName("web-reads-secrets").endMetadata()
                .withNewRoleRef("rbac.authorization.k8s.io", "Role", "secret-reader")
                .addNewSubject().withKind("ServiceAccount").withName("web").withNamespace("shop").endSubject()
                .build()).create();
        assertThat(binding.getRoleRef().getName()).isEqualTo("secret-reader");
        client.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("node-lister")
                .endMetadata().addNewRule().withApiGroups("").withResources("nodes").withVerbs("list").endRule()
                .build()).create();

        NetworkPolicy policy = client.network().networkPolicies().inNamespace("shop").resource(
                new NetworkPolicyBuilder().withNewMetadata().withName("default-deny").endMetadata()
                        .withNewSpec().withNewPodSelector().endPodSelector()
                        .withPolicyTypes("Ingress", "Egress").endSpec().build()).create();
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");

        assertThat(client.pods().inNamespace("shop").list().getItems()).hasSize(1);
        assertThat(client.rbac().clusterRoles().withName("cluster-admin").get())
                .as("bootstrap RBAC policy is in place").isNotNull();
    }

    @Test
    void rejectsWhatTheApiServerWouldReject() {
        KubernetesClient client = KUBE.client();
        assertThatThrownBy(() -> client.pods().inNamespace("default").resource(new PodBuilder()
                        .withNewMetadata().withName("Not_A_Valid_Name").endMetadata()
                        .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer().endSpec()
                        .build()).create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
        assertThatThrownBy(() -> client.configMaps().inNamespace("no-such-namespace").resource(configMap("x", 0))
                        .create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(404));
    }

    @Test
    void listsInPagesWithContinueTokens() {
        KubernetesClient client = KUBE.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("pages").endMetadata()
                .build()).create();
        for (int i = 0; i < 25; i++) {
            client.configMaps().inNamespace("pages").resource(configMap(String.format("cm-%02d", i), i)).create();
        }

        List<String> names = new ArrayList<>();
        List<Integer> pageSizes = new ArrayList<>();
        String token = null;
        do {
            ConfigMapList page = client.configMaps().inNamespace("pages")
                    .list(new ListOptionsBuilder().withLimit(10L).withContinue(token).build());
            pageSizes.add(page.getItems().size());
            page.getItems().forEach(cm -> names.add(cm.getMetadata().getName()));
            token = page.getMetadata().getContinue();
            if (token != null && !token.isEmpty()) {
                assertThat(page.getMetadata().getRemainingItemCount()).isEqualTo(25L - names.size());
            }
        } while (token != null && !token.isEmpty());

        assertThat(pageSizes).containsExactly(10, 10, 5);
        assertThat(names).hasSize(25).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void watchDeliversAddedModifiedAndDeleted() throws Exception {
        KubernetesClient client = KUBE.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("watched").endMetadata()
                .build()).create();
        Events events = new Events();
        try (Watch ignored = client.configMaps().inNamespace("watched").watch(events)) {
            client.configMaps().inNamespace("watched").resource(configMap("settings", 1)).create();
            client.configMaps().inNamespace("watched").withName("settings")
                    .edit(cm -> new ConfigMapBuilder(cm).addToData("level", "debug").build());
            client.configMaps().inNamespace("watched").withName("settings").delete();

            assertThat(events.next()).isEqualTo("ADDED settings");
            assertThat(events.next()).isEqualTo("MODIFIED settings");
            assertThat(events.next()).isEqualTo("DELETED settings");
        }
    }

    @Test
    void streamsAnInitialListOverAWatch() throws Exception {
        // sendInitialEvents=true ("watch-list"): the API server refuses it unless etcd supports
        // RequestWatchProgress (etcd >= 3.4.31 or 3.5.13), so this also pins down the etcd used.
        KubernetesClient client = KUBE.client();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("streamed").endMetadata()
                .build()).create();
        for (int i = 0; i < 3; i++) {
            client.configMaps().inNamespace("streamed").resource(configMap("cm-" + i, i)).create();
        }
        List<String> names = new ArrayList<>();
        String resourceVersion = client.configMaps().inNamespace("streamed")
                .streamingList(cm -> names.add(cm.getMetadata().getName())).get(30, TimeUnit.SECONDS);
        assertThat(names).containsExactlyInAnyOrder("cm-0", "cm-1", "cm-2");
        assertThat(resourceVersion).isNotBlank();
    }

    @Test
    void authorizesOtherUsersByRbac() {
        KubernetesClient admin = KUBE.client();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("audited").endMetadata()
                .build()).create();
        try (KubernetesClient auditor = KUBE.newClient("auditor")) {
            assertThatThrownBy(() -> auditor.pods().inNamespace("audited").list())
                    .isInstanceOfSatisfying(KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(403));

            admin.rbac().clusterRoles().resource(new ClusterRoleBuilder().withNewMetadata().withName("pod-reader")
                    .endMetadata().addNewRule().withApiGroups("").withResources("pods")
                    .withVerbs("get", "list", "watch").endRule().build()).create();
            admin.rbac().clusterRoleBindings().resource(new ClusterRoleBindingBuilder().withNewMetadata()
                    .withName("auditors-read-pods").endMetadata()
                    .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "pod-reader")
                    .addNewSubject().withKind("Group").withName("plumbline:auditors")
                    .withApiGroup("rbac.authorization.k8s.io").endSubject().build()).create();

            awaitAllowed(() -> auditor.pods().inNamespace("audited").list());
            assertThatThrownBy(() -> auditor.secrets().inNamespace("audited").list())
                    .isInstanceOfSatisfying(KubernetesClientException.class,
                            e -> assertThat(e.getCode()).isEqualTo(403));
        }
    }

    @Test
    void leavesAggregatedClusterRolesEmptyWithoutAControllerManager() {
        // The built-in admin, edit and view roles get their rules from the clusterrole-aggregation
        // controller in kube-controller-manager, which does not run here.
        var view = KUBE.client().rbac().clusterRoles().withName("view").get();
        assertThat(view.getAggregationRule()).isNotNull();
        assertThat(view.getAggregationRule().getClusterRoleSelectors()).isNotEmpty();
        assertThat(view.getRules()).isNullOrEmpty();
    }

    static ConfigMap configMap(String name, int value) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
                .withData(Map.of("value", Integer.toString(value))).build();
    }

    /** RBAC changes reach the authorizer through an informer: allow a moment. */
    private static void awaitAllowed(Runnable call) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                call.run();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 403 || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Records watch events as "TYPE name". */
    static final class Events implements Watcher<ConfigMap> {
        final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        volatile WatcherException closedWith;

        @Override
        public void eventReceived(Action action, ConfigMap resource) {
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
