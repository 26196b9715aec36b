package dev.plumbline.control;

import dev.plumbline.resource.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every object of a scan, indexed by kind and namespace, for controls that judge one object by
 * others (a workload no NetworkPolicy selects, a binding to a powerful role). In CEL:
 * {@code inventory.list('NetworkPolicy', object.metadata.namespace)}. Objects are held without
 * their null fields, as expressions see every object ({@link Json#withoutNullFields}).
 */
public final class Inventory {
  /** An inventory with nothing in it. */
  public static final Inventory EMPTY = new Inventory(Map.of());

  /**
   * Kind, then namespace, then a key per object (its name; made unique when a scan holds two
   * objects of one name, as manifests can) to the object. Never changed once built: {@link #with}
   * copies what it changes and shares the rest.
   */
  private final Map<String, Map<String, Map<String, Object>>> byKind;
  /** The objects of one namespace as a list, made once per kind and namespace on first use. */
  private final Map<String, List<Object>> lists = new ConcurrentHashMap<>();
  /** Every namespace's objects of a kind, joined once: controls ask for them per resource. */
  private final Map<String, List<Object>> allNamespaces = new ConcurrentHashMap<>();
  /** Indexes derived from the objects (bindings by role, by subject), built on first use. */
  private final Map<String, Object> derived = new ConcurrentHashMap<>();

  private Inventory(Map<String, Map<String, Map<String, Object>>> byKind) {
    this.byKind = byKind;
  }

  /** An inventory of the given resources. */
  public static Inventory of(Collection<Resource> resources) {
    List<Resource> all = List.copyOf(resources);
    // Looking through every object for null fields is most of the work: on all cores.
    Object[] clean = java.util.stream.IntStream.range(0, all.size()).parallel()
        .mapToObj(i -> Json.withoutNullFields(all.get(i).object())).toArray();
    Map<String, Map<String, Map<String, Object>>> byKind = new HashMap<>();
    for (int i = 0; i < all.size(); i++) {
      Resource r = all.get(i);
      Map<String, Object> objects = byKind.computeIfAbsent(r.kind(), k -> new HashMap<>())
          .computeIfAbsent(namespaceOf(r), n -> new LinkedHashMap<>());
      String key = keyOf(r);
      if (objects.containsKey(key)) {
        key = key + "\u0000" + objects.size(); // a second object of that name: both are kept
      }
      objects.put(key, clean[i]);
    }
    return new Inventory(byKind);
  }

  /**
   * This inventory with some objects added or replaced and some removed, objects being the same
   * when their kind, namespace and name are. Only the namespaces that change are copied: a
   * change to a large inventory costs what the namespaces it touches hold, not what it holds.
   */
  public Inventory with(Collection<Resource> changed, Collection<Resource> removed) {
    if (changed.isEmpty() && removed.isEmpty()) {
      return this;
    }
    Map<String, Map<String, Map<String, Object>>> copy = new HashMap<>(byKind);
    Set<String> copied = new HashSet<>();
    for (Resource r : removed) {
      Map<String, Object> objects = writable(copy, copied, r);
      objects.remove(keyOf(r));
    }
    for (Resource r : changed) {
      writable(copy, copied, r).put(keyOf(r), Json.withoutNullFields(r.object()));
    }
    return new Inventory(copy);
  }

  private static Map<String, Object> writable(Map<String, Map<String, Map<String, Object>>> copy,
      Set<String> copied, Resource r) {
    String ns = namespaceOf(r);
    if (copied.add(r.kind())) {
      copy.put(r.kind(), new HashMap<>(copy.getOrDefault(r.kind(), Map.of())));
    }
    Map<String, Map<String, Object>> byNamespace = copy.get(r.kind());
    if (copied.add(r.kind() + "\u0000" + ns)) {
      byNamespace.put(ns, new LinkedHashMap<>(byNamespace.getOrDefault(ns, Map.of())));
    }
    return byNamespace.get(ns);
  }

  private static String namespaceOf(Resource r) {
    return r.namespace() == null ? "" : r.namespace();
  }

  private static String keyOf(Resource r) {
    return r.name() == null ? "" : r.name();
  }

  /** The objects of a kind in every namespace, in input order per namespace. */
  public List<Object> list(String kind) {
    Map<String, Map<String, Object>> byNamespace = byKind.get(kind);
    if (byNamespace == null) {
      return Collections.emptyList();
    }
    return allNamespaces.computeIfAbsent(kind, k -> {
      List<Object> all = new ArrayList<>();
      new TreeMap<>(byNamespace).values().forEach(objects -> all.addAll(objects.values()));
      return Collections.unmodifiableList(all);
    });
  }

  /**
   * An index computed from this inventory once, on first use, and shared by every control and
   * resource of the scan: lookups that would otherwise scan a kind for every resource.
   */
  @SuppressWarnings("unchecked")
  <T> T derived(String name, java.util.function.Function<Inventory, T> compute) {
    return (T) derived.computeIfAbsent(name, k -> compute.apply(this));
  }

  /** The objects of a kind in one namespace ({@code ""} for cluster-scoped objects). */
  public List<Object> list(String kind, String namespace) {
    Map<String, Map<String, Object>> byNamespace = byKind.get(kind);
    if (byNamespace == null) {
      return Collections.emptyList();
    }
    String ns = namespace == null ? "" : namespace;
    Map<String, Object> objects = byNamespace.get(ns);
    if (objects == null) {
      return Collections.emptyList();
    }
    return lists.computeIfAbsent(kind + "\u0000" + ns,
        k -> Collections.unmodifiableList(new ArrayList<>(objects.values())));
  }
}
