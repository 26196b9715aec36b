package dev.plumbline.store;

import dev.plumbline.resource.ResourceRef;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a reconcile re-evaluated: the whole cluster (a full resync), or some resources (after
 * watch events). Stored findings outside the scope are left as they are; inside it, a stored
 * finding that the reconcile does not report is resolved. A deleted resource is a scope entry
 * with no findings.
 *
 * <p>Resources are matched by API group, kind, namespace and name (not by version), the identity
 * that finding ids use.
 */
public final class Scope {
  private static final Scope CLUSTER = new Scope(null);

  private final Set<ResourceRef> resources;

  private Scope(Set<ResourceRef> resources) {
    this.resources = resources;
  }

  /** The whole cluster: every stored finding of the cluster is in scope. */
  public static Scope cluster() {
    return CLUSTER;
  }

  /** These resources only. */
  public static Scope resources(Collection<ResourceRef> resources) {
    Set<ResourceRef> set = new LinkedHashSet<>();
    for (ResourceRef r : resources) {
      set.add(Objects.requireNonNull(r, "resource"));
    }
    return new Scope(Set.copyOf(set));
  }

  /** These resources only. */
  public static Scope resources(ResourceRef... resources) {
    return resources(java.util.Arrays.asList(resources));
  }

  public boolean isCluster() {
    return resources == null;
  }

  /** The resources of a partial scope; empty for the whole cluster. */
  public Set<ResourceRef> resourceSet() {
    return resources == null ? Set.of() : resources;
  }

  @Override
  public String toString() {
    return resources == null ? "cluster" : resources.size() + " resource(s)";
  }
}
