package dev.plumbline.resource;

import java.util.Comparator;

/**
 * The identity of a Kubernetes object: apiVersion, kind, namespace and name. The namespace is the
 * empty string for cluster-scoped objects and for manifests that leave it unset.
 */
public record ResourceRef(String apiVersion, String kind, String namespace, String name)
    implements Comparable<ResourceRef> {
  private static final Comparator<ResourceRef> ORDER = Comparator.comparing(ResourceRef::namespace)
      .thenComparing(ResourceRef::kind)
      .thenComparing(ResourceRef::name)
      .thenComparing(ResourceRef::apiVersion);

  public ResourceRef {
    apiVersion = apiVersion == null ? "" : apiVersion;
    kind = kind == null ? "" : kind;
    namespace = namespace == null ? "" : namespace;
    name = name == null ? "" : name;
  }

  /** The API group: {@code apps} for {@code apps/v1}, empty for the core group. */
  public String group() {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  /** {@code Kind/namespace/name}, or {@code Kind/name} without a namespace. */
  public String display() {
    return namespace.isEmpty() ? kind + "/" + name : kind + "/" + namespace + "/" + name;
  }

  @Override
  public int compareTo(ResourceRef o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return display();
  }
}
