package dev.plumbline.monitor;

import dev.plumbline.resource.Resource;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.resource.Workload;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The objects the monitor knows (as the watch last saw them), indexed by namespace, and what
 * has to be judged again when one of them changes. Used by the monitor's worker thread only.
 */
final class Dependents {
  private final Map<String, Resource> objects = new HashMap<>();
  private final Map<String, Set<String>> byNamespace = new HashMap<>();

  /** The identity the store matches resources by: group, kind, namespace, name. */
  static String key(ResourceRef r) {
    return r.group() + "/" + r.kind() + "/" + r.namespace() + "/" + r.name();
  }

  static String key(Resource r) {
    return key(r.ref());
  }

  Resource get(String key) {
    return objects.get(key);
  }

  Collection<Resource> all() {
    return objects.values();
  }

  int size() {
    return objects.size();
  }

  Resource put(Resource r) {
    String key = key(r);
    byNamespace.computeIfAbsent(r.namespace(), n -> new LinkedHashSet<>()).add(key);
    return objects.put(key, r);
  }

  Resource remove(Resource r) {
    String key = key(r);
    Set<String> ns = byNamespace.get(r.namespace());
    if (ns != null) {
      ns.remove(key);
    }
    return objects.remove(key);
  }

  void replaceAll(List<Resource> resources) {
    objects.clear();
    byNamespace.clear();
    resources.forEach(this::put);
  }

  /**
   * The refs to judge again because {@code changed} (in its old or new state) changed, besides
   * itself.
   */
  Set<ResourceRef> of(Resource changed) {
    Set<ResourceRef> out = new LinkedHashSet<>();
    String ns = changed.namespace();
    switch (changed.kind()) {
      case "NetworkPolicy" -> {
        workloadsIn(ns, out);
        namespace(ns, out);
      }
      case "LimitRange", "ResourceQuota" -> {
        workloadsIn(ns, out);
        namespace(ns, out);
      }
      case "Namespace" -> {
        for (String k : byNamespace.getOrDefault(changed.name(), Set.of())) {
          out.add(objects.get(k).ref());
        }
      }
      case "ServiceAccount" -> workloadsOf(ns, changed.name(), out);
      case "RoleBinding", "ClusterRoleBinding" -> bound(changed, out);
      case "Role", "ClusterRole" -> bindingsOf(changed, out);
      default -> {
        if (Workload.isWorkload(changed.ref())) {
          owned(changed, out); // its pods are judged through it only while it exists
        }
      }
    }
    out.remove(changed.ref());
    return out;
  }

  private void namespace(String ns, Set<ResourceRef> out) {
    Resource n = objects.get("/Namespace//" + ns);
    if (n != null) {
      out.add(n.ref());
    }
  }

  private void workloadsIn(String ns, Set<ResourceRef> out) {
    for (String k : byNamespace.getOrDefault(ns, Set.of())) {
      Resource r = objects.get(k);
      if (Workload.isWorkload(r.ref())) {
        out.add(r.ref());
      }
    }
  }

  private void workloadsOf(String ns, String serviceAccount, Set<ResourceRef> out) {
    for (String k : byNamespace.getOrDefault(ns, Set.of())) {
      Resource r = objects.get(k);
      if (Workload.isWorkload(r.ref()) && serviceAccount.equals(serviceAccountOf(r))) {
        out.add(r.ref());
      }
    }
  }

  static String serviceAccountOf(Resource workload) {
    try {
      Map<String, Object> spec = Workload.of(workload).spec();
      if (spec == null) {
        return "default";
      }
      Object sa = spec.get("serviceAccountName");
      if (!(sa instanceof String)) {
        sa = spec.get("serviceAccount");
      }
      return sa instanceof String s && !s.isEmpty() ? s : "default";
    } catch (RuntimeException e) {
      return "default";
    }
  }

  /** A binding's subjects (service accounts and their workloads) and its role. */
  private void bound(Resource binding, Set<ResourceRef> out) {
    Map<String, Object> object = binding.object();
    if (object.get("subjects") instanceof List<?> subjects) {
      for (Object s : subjects) {
        if (s instanceof Map<?, ?> subject && "ServiceAccount".equals(subject.get("kind"))
            && subject.get("name") instanceof String name) {
          String ns = subject.get("namespace") instanceof String n && !n.isEmpty() ? n
              : binding.namespace();
          Resource sa = objects.get("/ServiceAccount/" + ns + "/" + name);
          if (sa != null) {
            out.add(sa.ref());
          }
          workloadsOf(ns, name, out);
        }
      }
    }
    if (object.get("roleRef") instanceof Map<?, ?> role && role.get("kind") instanceof String kind
        && role.get("name") instanceof String name) {
      String ns = kind.equals("Role") ? binding.namespace() : "";
      Resource r = objects.get("rbac.authorization.k8s.io/" + kind + "/" + ns + "/" + name);
      if (r != null) {
        out.add(r.ref());
      }
    }
  }

  /** The bindings that reference a role (and what they bind). */
  private void bindingsOf(Resource role, Set<ResourceRef> out) {
    Set<String> spaces = role.kind().equals("Role") ? Set.of(role.namespace())
        : byNamespace.keySet();
    for (String ns : List.copyOf(spaces)) {
      for (String k : byNamespace.getOrDefault(ns, Set.of())) {
        Resource b = objects.get(k);
        if ((b.kind().equals("RoleBinding") || b.kind().equals("ClusterRoleBinding"))
            && b.object().get("roleRef") instanceof Map<?, ?> ref
            && role.kind().equals(ref.get("kind")) && role.name().equals(ref.get("name"))) {
          out.add(b.ref());
        }
      }
    }
  }

  /** The objects a workload controls. */
  private void owned(Resource workload, Set<ResourceRef> out) {
    for (String k : byNamespace.getOrDefault(workload.namespace(), Set.of())) {
      Resource r = objects.get(k);
      ResourceRef owner = r.controller();
      if (owner != null && owner.kind().equals(workload.kind())
          && owner.name().equals(workload.name())) {
        out.add(r.ref());
      }
    }
  }

  /** Copy of the known objects, for a full evaluation. */
  List<Resource> snapshot() {
    return List.copyOf(new LinkedHashMap<>(objects).values());
  }
}
