package dev.plumbline.scan;

import dev.plumbline.resource.ResourceRef;
import java.util.Set;

/** The built-in kinds that are not namespaced. */
public final class ClusterScope {
  private static final Set<String> KINDS = Set.of("Namespace", "Node", "PersistentVolume",
      "ClusterRole", "ClusterRoleBinding", "StorageClass", "CSIDriver", "CSINode",
      "VolumeAttachment", "CustomResourceDefinition", "APIService", "PriorityClass",
      "RuntimeClass", "IngressClass", "MutatingWebhookConfiguration",
      "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
      "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy",
      "MutatingAdmissionPolicyBinding", "CertificateSigningRequest", "FlowSchema",
      "PriorityLevelConfiguration", "ComponentStatus", "PodSecurityPolicy",
      "ClusterPolicyReport", "IPAddress", "ServiceCIDR", "DeviceClass", "ResourceSlice",
      "VolumeAttributesClass", "StorageVersion", "StorageVersionMigration",
      "ClusterTrustBundle");

  private ClusterScope() {}

  /** Whether objects of this kind live outside namespaces. */
  public static boolean isClusterScoped(ResourceRef ref) {
    return KINDS.contains(ref.kind());
  }
}
