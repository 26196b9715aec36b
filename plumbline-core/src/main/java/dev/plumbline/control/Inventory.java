package dev.plumbline.control;

import dev.plumbline.resource.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  private final Map<String, Map<String, List<Object>>> byKind;
  /** Every namespace's objects of a kind, joined once: controls ask for them per resource. */
  private final Map<String, List<Object>> allNamespaces = new ConcurrentHashMap<>();
  /** Indexes derived from the objects (bindings by role, by subject), built on first use. */
  private final Map<String, Object> derived = new ConcurrentHashMap<>();

  private Inventory(Map<String, Map<String, List<Object>>> byKind) {
    this.byKind = byKind;
  }

  /** An inventory of the given resources. */
  public static Inventory of(Collection<Resource> resources) {
    Map<String, Map<String, List<Object>>> byKind = new HashMap<>();
    for (Resource r : resources) {
      byKind.computeIfAbsent(r.kind(), k -> new HashMap<>())
          .computeIfAbsent(r.namespace(), n -> new ArrayList<>())
          .add(Json.withoutNullFields(r.object()));
    }
    return new Inventory(byKind);
  }

  /** The objects of a kind in every namespace, in input order per namespace. */
  public List<Object> list(String kind) {
    Map<String, List<Object>> byNamespace = byKind.get(kind);
    if (byNamespace == null) {
      return Collections.emptyList();
    }
    return allNamespaces.computeIfAbsent(kind, k -> {
      List<Object> all = new ArrayList<>();
      new TreeMap<>(byNamespace).values().forEach(all::addAll);
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
    Map<String, List<Object>> byNamespace = byKind.get(kind);
    if (byNamespace == null) {
      return Collections.emptyList();
    }
    List<Object> list = byNamespace.get(namespace == null ? "" : namespace);
    return list == null ? Collections.emptyList() : Collections.unmodifiableList(list);
  }
}
