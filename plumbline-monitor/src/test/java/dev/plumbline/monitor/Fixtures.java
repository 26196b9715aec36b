package dev.plumbline.monitor;

import dev.plumbline.control.Library;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.Selection;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** Objects and options the monitor tests share. */
final class Fixtures {
  private Fixtures() {}

  static final Library LIBRARY = Library.builtIn();

  static ScanOptions options() {
    return ScanOptions.of(Selection.resolve(LIBRARY, List.of(), List.of(), null, Map.of()));
  }

  static void namespace(KubernetesClient client, String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
        .endMetadata().build()).create();
  }

  /** A Deployment, privileged or not. */
  static Deployment deployment(String ns, String name, boolean privileged) {
    return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .endMetadata().withNewSpec().withReplicas(1).withNewSelector()
        .addToMatchLabels("app", name).endSelector().withNewTemplate().withNewMetadata()
        .addToLabels("app", name).endMetadata().withNewSpec().addNewContainer().withName(name)
        .withImage("registry.example.com/" + name + ":1.0").withNewSecurityContext()
        .withPrivileged(privileged).endSecurityContext().endContainer().endSpec().endTemplate()
        .endSpec().build();
  }

  /** Denies all ingress and egress in a namespace. */
  static NetworkPolicy denyAll(String ns) {
    return new NetworkPolicyBuilder().withNewMetadata().withName("default-deny")
        .withNamespace(ns).endMetadata().withNewSpec().withNewPodSelector().endPodSelector()
        .withPolicyTypes("Ingress", "Egress").endSpec().build();
  }

  /** Waits until the condition holds (10 s at most). */
  static void await(Callable<Boolean> condition) throws Exception {
    await(condition, Duration.ofSeconds(10));
  }

  static void await(Callable<Boolean> condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.call()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within " + timeout);
      }
      Thread.sleep(25);
    }
  }
}
