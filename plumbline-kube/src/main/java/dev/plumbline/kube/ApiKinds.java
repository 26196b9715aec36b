package dev.plumbline.kube;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in kinds Plumbline reads from a cluster, at the API version current servers serve.
 * A fixed table rather than API discovery: reads are predictable, the least-privilege ClusterRole
 * can list exactly these resources, and a server that does not serve one (an older release, a
 * disabled group) answers 404, which the reader reports as a note.
 */
final class ApiKinds {
  private static final Map<String, ApiKind> BUILT_IN = new LinkedHashMap<>();

  static {
    // Cluster-scoped context first: namespaces and nodes.
    add("Namespace", "", "v1", "namespaces", false);
    add("Node", "", "v1", "nodes", false);
    // Workloads.
    add("Pod", "", "v1", "pods", true);
    add("PodTemplate", "", "v1", "podtemplates", true);
    add("ReplicationController", "", "v1", "replicationcontrollers", true);
    add("Deployment", "apps", "v1", "deployments", true);
    add("StatefulSet", "apps", "v1", "statefulsets", true);
    add("DaemonSet", "apps", "v1", "daemonsets", true);
    add("ReplicaSet", "apps", "v1", "replicasets", true);
    add("Job", "batch", "v1", "jobs", true);
    add("CronJob", "batch", "v1", "cronjobs", true);
    // Configuration, identity and policy.
    add("Service", "", "v1", "services", true);
    add("ServiceAccount", "", "v1", "serviceaccounts", true);
    add("ConfigMap", "", "v1", "configmaps", true);
    add("Secret", "", "v1", "secrets", true);
    add("LimitRange", "", "v1", "limitranges", true);
    add("ResourceQuota", "", "v1", "resourcequotas", true);
    add("PersistentVolumeClaim", "", "v1", "persistentvolumeclaims", true);
    add("PersistentVolume", "", "v1", "persistentvolumes", false);
    add("Endpoints", "", "v1", "endpoints", true);
    add("EndpointSlice", "discovery.k8s.io", "v1", "endpointslices", true);
    add("NetworkPolicy", "networking.k8s.io", "v1", "networkpolicies", true);
    add("Ingress", "networking.k8s.io", "v1", "ingresses", true);
    add("IngressClass", "networking.k8s.io", "v1", "ingressclasses", false);
    add("Role", "rbac.authorization.k8s.io", "v1", "roles", true);
    add("RoleBinding", "rbac.authorization.k8s.io", "v1", "rolebindings", true);
    add("ClusterRole", "rbac.authorization.k8s.io", "v1", "clusterroles", false);
    add("ClusterRoleBinding", "rbac.authorization.k8s.io", "v1", "clusterrolebindings", false);
    add("PodDisruptionBudget", "policy", "v1", "poddisruptionbudgets", true);
    add("HorizontalPodAutoscaler", "autoscaling", "v2", "horizontalpodautoscalers", true);
    add("StorageClass", "storage.k8s.io", "v1", "storageclasses", false);
    add("CSIDriver", "storage.k8s.io", "v1", "csidrivers", false);
    add("RuntimeClass", "node.k8s.io", "v1", "runtimeclasses", false);
    add("PriorityClass", "scheduling.k8s.io", "v1", "priorityclasses", false);
    add("ValidatingWebhookConfiguration", "admissionregistration.k8s.io", "v1",
        "validatingwebhookconfigurations", false);
    add("MutatingWebhookConfiguration", "admissionregistration.k8s.io", "v1",
        "mutatingwebhookconfigurations", false);
    add("ValidatingAdmissionPolicy", "admissionregistration.k8s.io", "v1",
        "validatingadmissionpolicies", false);
    add("ValidatingAdmissionPolicyBinding", "admissionregistration.k8s.io", "v1",
        "validatingadmissionpolicybindings", false);
    add("CustomResourceDefinition", "apiextensions.k8s.io", "v1", "customresourcedefinitions",
        false);
    add("APIService", "apiregistration.k8s.io", "v1", "apiservices", false);
    // Gateway API: custom resources, so absent from many clusters.
    add("Gateway", "gateway.networking.k8s.io", "v1", "gateways", true);
    add("HTTPRoute", "gateway.networking.k8s.io", "v1", "httproutes", true);
  }

  private ApiKinds() {}

  private static void add(String kind, String group, String version, String plural,
      boolean namespaced) {
    BUILT_IN.put(kind, new ApiKind(kind, group, version, plural, namespaced));
  }

  /** The kind, or null when Plumbline does not know where a server serves it. */
  static ApiKind of(String kind) {
    return BUILT_IN.get(kind);
  }

  /** Every kind in the table, in reading order. */
  static List<ApiKind> all() {
    return List.copyOf(BUILT_IN.values());
  }
}
