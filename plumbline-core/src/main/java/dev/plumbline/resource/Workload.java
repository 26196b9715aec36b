package dev.plumbline.resource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pod template of a workload, found in one place so that no control has to know where each
 * kind keeps it: {@code spec} of a Pod, {@code template} of a PodTemplate,
 * {@code spec.template} of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController or Job, and {@code spec.jobTemplate.spec.template} of a CronJob.
 *
 * <p>Fields set to {@code null} are left out of {@code spec} and {@code metadata}, because the API
 * server reads an explicit null as "unset" (a Go nil pointer); an annotation or label whose value
 * is null reads as the empty string, as it does when the API server decodes it. So
 * {@code securityContext: {privileged: null}} means the same as no {@code privileged} at all,
 * and expressions need not guard against nulls.
 *
 * @param spec the pod spec (empty when the object has none)
 * @param metadata the pod metadata: the Pod's own, or the template's (empty when absent)
 * @param specPath where {@code spec} sits in the object
 * @param metadataPath where {@code metadata} sits in the object
 */
public record Workload(Map<String, Object> spec, Map<String, Object> metadata, FieldPath specPath,
    FieldPath metadataPath) {

  /** The kinds whose objects hold a pod template, with the API groups that define them. */
  private static final Map<String, Set<String>> KINDS = Map.of(
      "Pod", Set.of(""),
      "PodTemplate", Set.of(""),
      "ReplicationController", Set.of(""),
      "Deployment", Set.of("apps", "extensions"),
      "StatefulSet", Set.of("apps"),
      "DaemonSet", Set.of("apps", "extensions"),
      "ReplicaSet", Set.of("apps", "extensions"),
      "Job", Set.of("batch"),
      "CronJob", Set.of("batch"));

  private static final FieldPath TEMPLATE = FieldPath.of("spec", "template");
  private static final FieldPath CRON_TEMPLATE =
      FieldPath.of("spec", "jobTemplate", "spec", "template");
  private static final FieldPath POD_TEMPLATE = FieldPath.of("template");

  /** The container lists of a pod spec, visited in this order. */
  public static final List<String> CONTAINER_TYPES =
      List.of("initContainers", "containers", "ephemeralContainers");

  /** One container of a pod spec, of any type. */
  public record Container(String type, int index, Map<String, Object> container, FieldPath path) {
    /** The container's name, or its position when it has none. */
    public String name() {
      return container.get("name") instanceof String s ? s : type + "[" + index + "]";
    }
  }

  /** The kinds that hold a pod template. */
  public static Set<String> kinds() {
    return KINDS.keySet();
  }

  /** Whether the object's kind and API group hold a pod template. */
  public static boolean isWorkload(ResourceRef ref) {
    Set<String> groups = KINDS.get(ref.kind());
    return groups != null && groups.contains(ref.group());
  }

  /** The pod template of a workload, or null when the object is not a workload. */
  public static Workload of(Resource resource) {
    ResourceRef ref = resource.ref();
    if (!isWorkload(ref)) {
      return null;
    }
    Map<String, Object> object = resource.object();
    FieldPath template;
    switch (ref.kind()) {
      case "Pod" -> {
        return new Workload(spec(object.get("spec")), metadata(object.get("metadata")),
            FieldPath.of("spec"), FieldPath.of("metadata"));
      }
      case "CronJob" -> template = CRON_TEMPLATE;
      case "PodTemplate" -> template = POD_TEMPLATE;
      default -> template = TEMPLATE;
    }
    Object t = template.lookup(object);
    Map<String, Object> templateMap = map(t);
    return new Workload(spec(templateMap.get("spec")), metadata(templateMap.get("metadata")),
        template.key("spec"), template.key("metadata"));
  }

  /** Every container (init, regular, ephemeral), each with its path in the object. */
  public List<Container> containers() {
    List<Container> result = new ArrayList<>();
    for (String type : CONTAINER_TYPES) {
      if (spec.get(type) instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          result.add(new Container(type, i, map(list.get(i)), specPath.key(type).index(i)));
        }
      }
    }
    return result;
  }

  private static Map<String, Object> spec(Object spec) {
    return map(withoutNulls(spec));
  }

  private static Map<String, Object> metadata(Object metadata) {
    Map<String, Object> m = map(metadata);
    Map<String, Object> filled = null;
    for (String key : List.of("annotations", "labels")) {
      if (m.get(key) instanceof Map<?, ?> strings && strings.containsValue(null)) {
        Map<String, Object> values = new LinkedHashMap<>();
        strings.forEach((k, v) -> values.put(String.valueOf(k), v == null ? "" : v));
        if (filled == null) {
          filled = new LinkedHashMap<>(m);
        }
        filled.put(key, values);
      }
    }
    return map(withoutNulls(filled == null ? m : filled));
  }

  /**
   * The value with every null-valued map entry left out (list elements stay, so indexes still
   * match the object). The value itself when it holds no such entry, so the common case copies
   * nothing.
   */
  static Object withoutNulls(Object value) {
    return hasNullEntry(value) ? copyWithoutNulls(value) : value;
  }

  private static boolean hasNullEntry(Object value) {
    if (value instanceof Map<?, ?> map) {
      for (Object v : map.values()) {
        if (v == null || hasNullEntry(v)) {
          return true;
        }
      }
    } else if (value instanceof List<?> list) {
      for (Object v : list) {
        if (hasNullEntry(v)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Object copyWithoutNulls(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> {
        if (v != null) {
          copy.put(String.valueOf(k), copyWithoutNulls(v));
        }
      });
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(copyWithoutNulls(v)));
      return Collections.unmodifiableList(copy);
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Collections.emptyMap();
  }
}
