package dev.plumbline.scan;

import dev.plumbline.resource.Resource;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.resource.Workload;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Controllers and what they own. A Pod of a ReplicaSet of a Deployment runs the Deployment's pod
 * template: judging all three reports one problem three times (once per replica, in a live
 * cluster). So an object whose controlling owner is a workload in the same scan is judged through
 * that owner, and the scan counts it instead.
 */
final class Owners {
  private Owners() {}

  /** The workloads of a scan, as {@code namespace/Kind/name}. */
  static Set<String> controllersIn(List<Resource> resources) {
    Set<String> keys = new HashSet<>();
    for (Resource r : resources) {
      if (Workload.isWorkload(r.ref())) {
        keys.add(r.namespace() + "/" + r.kind() + "/" + r.name());
      }
    }
    return keys;
  }

  /** Whether the resource's controlling owner is one of {@code controllers}. */
  static boolean ownedByOneOf(Resource r, Set<String> controllers) {
    ResourceRef owner = r.controller();
    return owner != null
        && controllers.contains(owner.namespace() + "/" + owner.kind() + "/" + owner.name());
  }
}
