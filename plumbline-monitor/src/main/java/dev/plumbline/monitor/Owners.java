package dev.plumbline.monitor;

import dev.plumbline.resource.Resource;
import dev.plumbline.resource.Workload;
import java.util.List;
import java.util.Map;

/**
 * Objects owned by a controller that is itself known are judged through it, as
 * {@code Scanner.scan} does (dev.plumbline.scan.Owners): a Deployment's ReplicaSets and pods
 * have no findings of their own.
 */
final class Owners {
  private Owners() {}

  /** {@code {kind, name}} of the resource's controlling owner, or null. */
  static String[] controller(Resource r) {
    if (!(r.object().get("metadata") instanceof Map<?, ?> metadata)
        || !(metadata.get("ownerReferences") instanceof List<?> owners)) {
      return null;
    }
    for (Object o : owners) {
      if (o instanceof Map<?, ?> owner && Boolean.TRUE.equals(owner.get("controller"))
          && owner.get("kind") instanceof String kind && owner.get("name") instanceof String name) {
        return new String[] {kind, name};
      }
    }
    return null;
  }

  /** Whether the resource's controlling owner is a workload the monitor knows. */
  static boolean judgedThroughController(Resource r, Dependents known) {
    String[] owner = controller(r);
    if (owner == null) {
      return false;
    }
    String ns = r.namespace();
    for (String group : new String[] {"apps", "batch", "", "extensions"}) {
      Resource o = known.get(group + "/" + owner[0] + "/" + ns + "/" + owner[1]);
      if (o != null && Workload.isWorkload(o.ref())) {
        return true;
      }
    }
    return false;
  }
}
