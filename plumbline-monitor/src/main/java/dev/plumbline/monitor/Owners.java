package dev.plumbline.monitor;

import dev.plumbline.resource.Resource;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.resource.Workload;

/**
 * Objects owned by a controller that is itself known are judged through it, as
 * {@code Scanner.scan} does: a Deployment's ReplicaSets and pods have no findings of their own.
 * The owner is {@link Resource#controller()}.
 */
final class Owners {
  private Owners() {}

  /** Whether the resource's controlling owner is a workload the monitor knows. */
  static boolean judgedThroughController(Resource r, Dependents known) {
    ResourceRef owner = r.controller();
    if (owner == null) {
      return false;
    }
    for (String group : new String[] {"apps", "batch", "", "extensions"}) {
      Resource o = known.get(group + "/" + owner.kind() + "/" + owner.namespace() + "/"
          + owner.name());
      if (o != null && Workload.isWorkload(o.ref())) {
        return true;
      }
    }
    return false;
  }
}
