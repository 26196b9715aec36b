package dev.plumbline.kube;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Opens a connection to a cluster the way kubectl finds one: a kubeconfig named explicitly, else
 * {@code KUBECONFIG} or {@code ~/.kube/config}, else, inside a pod, the service account mounted
 * at {@code /var/run/secrets/kubernetes.io/serviceaccount} (fabric8's auto-configuration).
 */
public final class ClusterConnection {
  /** Retries of a failed request: enough for a blip, few enough to fail fast when down. */
  private static final int RETRIES = 1;

  private ClusterConnection() {}

  /**
   * A client for a cluster. The caller closes it.
   *
   * @param kubeconfig the kubeconfig file, or null to find one (or the in-cluster account)
   * @param context the kubeconfig context, or null for its current context
   * @throws ClusterException when the kubeconfig cannot be read or lacks the context
   */
  public static KubernetesClient open(Path kubeconfig, String context) throws ClusterException {
    Config config;
    try {
      if (kubeconfig != null) {
        if (!Files.isRegularFile(kubeconfig)) {
          throw new ClusterException("kubeconfig " + kubeconfig + ": no such file");
        }
        config = Config.fromKubeconfig(context, kubeconfig.toFile());
      } else {
        config = Config.autoConfigure(context);
      }
    } catch (KubernetesClientException | IllegalArgumentException e) {
      throw new ClusterException("cannot use the kubeconfig"
          + (kubeconfig == null ? "" : " " + kubeconfig) + ": " + e.getMessage(), e);
    }
    if (context != null) {
      NamedContext current = config.getCurrentContext();
      if (current == null || !context.equals(current.getName())) {
        List<String> known = config.getContexts() == null ? List.of()
            : config.getContexts().stream().map(NamedContext::getName).sorted().toList();
        throw new ClusterException("context '" + context + "' is not in the kubeconfig"
            + (known.isEmpty() ? "" : " (it has: " + String.join(", ", known) + ")"));
      }
    }
    config.setRequestRetryBackoffLimit(RETRIES);
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /**
   * The cluster as a user would name it, for provenance: {@code context NAME} when a kubeconfig
   * context chose it, else the API server's URL (in a pod).
   */
  public static String describe(KubernetesClient client) {
    Config config = client.getConfiguration();
    NamedContext context = config.getCurrentContext();
    return context != null && context.getName() != null ? "context " + context.getName()
        : Objects.toString(config.getMasterUrl(), "cluster");
  }
}
