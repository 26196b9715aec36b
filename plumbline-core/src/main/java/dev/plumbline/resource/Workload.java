package dev.plumbline.resource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pod template of a workload, found in one place so that no control has to know where each
 * kind keeps it: {@code spec} of a Pod, {@code template} of a PodTemplate,
 * {@code spec.template} of a Deployment, StatefulSet, DaemonSet, ReplicaSet,
 * ReplicationController or Job, and {@code spec.jobTemplate.spec.template} of a CronJob.
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
        return new Workload(map(object.get("spec")), map(object.get("metadata")),
            FieldPath.of("spec"), FieldPath.of("metadata"));
      }
      case "CronJob" -> template = CRON_TEMPLATE;
      case "PodTemplate" -> template = POD_TEMPLATE;
      default -> template = TEMPLATE;
    }
    Object t = template.lookup(object);
    Map<String, Object> templateMap = map(t);
    return new Workload(map(templateMap.get("spec")), map(templateMap.get("metadata")),
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

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Collections.emptyMap();
  }
}
