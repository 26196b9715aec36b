package dev.plumbline.resource;

import java.util.List;
import java.util.Map;

/**
 * One Kubernetes object, unstructured, with where it came from.
 *
 * <p>The object is plain JSON data ({@link Map}, {@link java.util.List}, {@link String},
 * {@link Long}, {@link Double}, {@link Boolean}, null). It is shared, not copied, so it must not
 * be modified once read: code that changes an object (a fix) works on a deep copy.
 */
public final class Resource {
  private final ResourceRef ref;
  private final Map<String, Object> object;
  private final Origin origin;
  private final LineIndex lines;

  Resource(ResourceRef ref, Map<String, Object> object, Origin origin, LineIndex lines) {
    this.ref = ref;
    this.object = object;
    this.origin = origin;
    this.lines = lines;
  }

  /** A resource that did not come from a file, such as a live object or an admission request. */
  public static Resource of(Map<String, Object> object, Origin origin) {
    return new Resource(refOf(object), object, origin, LineIndex.NONE);
  }

  static ResourceRef refOf(Map<String, Object> object) {
    Object metadata = object.get("metadata");
    String namespace = null;
    String name = null;
    if (metadata instanceof Map<?, ?> m) {
      namespace = m.get("namespace") instanceof String s ? s : null;
      name = m.get("name") instanceof String s ? s : null;
      if (name == null && m.get("generateName") instanceof String g) {
        name = g + "*";
      }
    }
    return new ResourceRef(text(object.get("apiVersion")), text(object.get("kind")), namespace,
        name);
  }

  private static String text(Object o) {
    return o instanceof String s ? s : null;
  }

  public ResourceRef ref() {
    return ref;
  }

  public String kind() {
    return ref.kind();
  }

  public String namespace() {
    return ref.namespace();
  }

  public String name() {
    return ref.name();
  }

  public Map<String, Object> object() {
    return object;
  }

  public Origin origin() {
    return origin;
  }

  /**
   * The object's controlling owner (the {@code ownerReferences} entry with
   * {@code controller: true}), in the object's namespace, or null when it has none. A Pod of a
   * ReplicaSet, a ReplicaSet of a Deployment and a Job of a CronJob name theirs.
   */
  public ResourceRef controller() {
    if (!(object.get("metadata") instanceof Map<?, ?> metadata)
        || !(metadata.get("ownerReferences") instanceof List<?> owners)) {
      return null;
    }
    for (Object o : owners) {
      if (o instanceof Map<?, ?> owner && Boolean.TRUE.equals(owner.get("controller"))
          && owner.get("kind") instanceof String kind && owner.get("name") instanceof String n) {
        return new ResourceRef(text(owner.get("apiVersion")), kind, namespace(), n);
      }
    }
    return null;
  }

  /** The line of a field (or of its nearest present ancestor); 0 when not from a file. */
  public int lineOf(FieldPath path) {
    if (!origin.isFile()) {
      return 0;
    }
    return lines.lineOf(object, origin.line(), path);
  }

  @Override
  public String toString() {
    return ref.display();
  }
}
