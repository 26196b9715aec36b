package dev.plumbline.control;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes RBAC semantics for the RBAC controls, as CEL functions:
 *
 * <ul>
 *   <li>{@code grants(rule, verbs, apiGroups, resources)}: whether a PolicyRule of a Role or
 *       ClusterRole allows any of the verbs on any of the resources of any of the API groups, for
 *       at least one object. Matching is the API server's ({@code rbac/v1} {@code ruleAllows}):
 *       {@code "*"} in {@code verbs}, {@code apiGroups} or {@code resources} matches everything
 *       (subresources included), {@code "*}{@code /exec"} matches the {@code exec} subresource of
 *       every resource, {@code "pods"} does not match {@code "pods/exec"}, {@code ""} is the core
 *       group, comparisons are exact (case-sensitive), and a rule holding only
 *       {@code nonResourceURLs} grants no resource. A rule with {@code resourceNames} is limited to
 *       the named objects, so it never grants a request that carries no name: {@code create} of a
 *       resource (not of a subresource such as {@code pods/exec}, whose name is the pod's) and
 *       {@code deletecollection}.
 *   <li>{@code grantingResources(rule, verbs, apiGroups, resources)}: the indexes, ascending, of
 *       the items of {@code rule.resources} through which it grants that (empty when
 *       {@code grants} is false), so a finding can point at the item.
 *   <li>{@code inventory.grantees(role)}: who the scanned bindings grant a Role or ClusterRole
 *       to, one map per subject and binding: {@code subject} ("ServiceAccount ci/deployer",
 *       "User jane", "Group ops"), {@code binding} ("RoleBinding ci/deploy",
 *       "ClusterRoleBinding ops"), {@code clusterWide} (true for a ClusterRoleBinding; a
 *       RoleBinding grants in its namespace only, also when it references a ClusterRole) and
 *       {@code text} ("ServiceAccount ci/deployer via RoleBinding ci/deploy"). A ServiceAccount
 *       subject of a RoleBinding without a namespace is in the binding's namespace, as the
 *       authorizer reads it. A RoleBinding references a Role of its own namespace; a manifest
 *       object without a namespace is applied into a namespace chosen at apply time, so a missing
 *       namespace on either side matches any. A ClusterRole is also granted through the
 *       ClusterRoles of the scan whose {@code aggregationRule} selects its labels (and those that
 *       aggregate them): their bindings' text says so ("... via ClusterRoleBinding kyverno
 *       (through ClusterRole kyverno, which aggregates it)").
 *   <li>{@code ruleText(rule)}: a rule in brief, as {@code kubectl describe} names resources:
 *       {@code "get,list on secrets,deployments.apps named app-tls"}.
 * </ul>
 */
final class Rbac {
  private static final CelType DYN_LIST = ListType.create(SimpleType.DYN);
  private static final int BRIEF_ITEMS = 8;

  private Rbac() {}

  static List<CelFunctionDecl> functions() {
    return List.of(
        CelFunctionDecl.newFunctionDeclaration("grants",
            CelOverloadDecl.newGlobalOverload("rbac_grants", SimpleType.BOOL, SimpleType.DYN,
                DYN_LIST, DYN_LIST, DYN_LIST)),
        CelFunctionDecl.newFunctionDeclaration("grantingResources",
            CelOverloadDecl.newGlobalOverload("rbac_granting_resources",
                ListType.create(SimpleType.INT), SimpleType.DYN, DYN_LIST, DYN_LIST, DYN_LIST)),
        CelFunctionDecl.newFunctionDeclaration("grantees",
            CelOverloadDecl.newMemberOverload("rbac_inventory_grantees", DYN_LIST,
                CelSupport.INVENTORY, SimpleType.DYN)),
        CelFunctionDecl.newFunctionDeclaration("serviceAccountBindings",
            CelOverloadDecl.newMemberOverload("rbac_inventory_service_account_bindings", DYN_LIST,
                CelSupport.INVENTORY, SimpleType.STRING, SimpleType.STRING)),
        CelFunctionDecl.newFunctionDeclaration("ruleText",
            CelOverloadDecl.newGlobalOverload("rbac_rule_text", SimpleType.STRING,
                SimpleType.DYN)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("rbac_grants",
            List.of(Object.class, List.class, List.class, List.class),
            args -> !grantingResources(args[0], (List<?>) args[1], (List<?>) args[2],
                (List<?>) args[3]).isEmpty()),
        CelFunctionBinding.from("rbac_granting_resources",
            List.of(Object.class, List.class, List.class, List.class),
            args -> grantingResources(args[0], (List<?>) args[1], (List<?>) args[2],
                (List<?>) args[3])),
        CelFunctionBinding.from("rbac_inventory_grantees", Inventory.class, Object.class,
            Rbac::grantees),
        CelFunctionBinding.from("rbac_inventory_service_account_bindings",
            List.of(Inventory.class, String.class, String.class),
            args -> serviceAccountBindings((Inventory) args[0], (String) args[1],
                (String) args[2])),
        CelFunctionBinding.from("rbac_rule_text", Object.class, Rbac::ruleText));
  }

  /**
   * The indexes of the rule's {@code resources} items that grant any of the verbs on any of the
   * group/resource pairs, ascending.
   */
  static List<Long> grantingResources(Object rule, List<?> verbs, List<?> apiGroups,
      List<?> resources) {
    if (!(rule instanceof Map<?, ?> r)) {
      return List.of();
    }
    List<?> ruleVerbs = list(r.get("verbs"));
    List<?> ruleGroups = list(r.get("apiGroups"));
    List<?> ruleResources = list(r.get("resources"));
    boolean named = !list(r.get("resourceNames")).isEmpty();
    List<Long> items = new ArrayList<>();
    for (int i = 0; i < ruleResources.size(); i++) {
      if (!(ruleResources.get(i) instanceof String item)) {
        continue;
      }
      boolean granted = false;
      for (Object verb : verbs) {
        for (Object group : apiGroups) {
          for (Object resource : resources) {
            granted |= verb instanceof String v && group instanceof String g
                && resource instanceof String res
                && matches(ruleVerbs, v) && matches(ruleGroups, g)
                && resourceMatches(item, res)
                && !(named && nameless(v, res));
          }
        }
      }
      if (granted) {
        items.add((long) i);
      }
    }
    return items;
  }

  /** {@code "*"} or the value itself, as the authorizer matches verbs and API groups. */
  private static boolean matches(List<?> patterns, String value) {
    return patterns.contains("*") || patterns.contains(value);
  }

  /** The authorizer's {@code ResourceMatches} for one item of a rule. */
  private static boolean resourceMatches(String item, String requested) {
    if (item.equals("*") || item.equals(requested)) {
      return true;
    }
    int slash = requested.indexOf('/');
    return slash >= 0 && item.equals("*" + requested.substring(slash));
  }

  /** Requests that carry no object name, which a rule with resourceNames never grants. */
  private static boolean nameless(String verb, String resource) {
    return verb.equals("deletecollection") || verb.equals("create") && resource.indexOf('/') < 0;
  }

  /**
   * The bindings of an inventory by the role they reference ({@code "ClusterRole/name"},
   * {@code "Role/name"}), built once per inventory: a scan asks for the grantees of every role
   * that has a finding, from several controls.
   */
  private static Map<String, List<Map<?, ?>>> bindingsByRole(Inventory inventory) {
    return inventory.derived("rbac.bindingsByRole", inv -> {
      Map<String, List<Map<?, ?>>> index = new HashMap<>();
      for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
        for (Object b : inv.list(kind)) {
          Map<?, ?> roleRef = map(map(b).get("roleRef"));
          index.computeIfAbsent(string(roleRef.get("kind")) + "/" + string(roleRef.get("name")),
              k -> new ArrayList<>()).add(map(b));
        }
      }
      return index;
    });
  }

  /**
   * The RoleBindings that may bind the Role {@code name} of {@code namespace}: those of its
   * namespace and those without one, in the order of {@link #bindingsByRole} (where RoleBindings
   * without a namespace come first). Roles of the same name in many namespaces would otherwise
   * each go through the RoleBindings of all of them.
   */
  private static List<Map<?, ?>> roleBindingsIn(Inventory inventory, String name,
      String namespace) {
    Map<String, List<Map<?, ?>>> index = inventory.derived("rbac.roleBindingsByNamespace", inv -> {
      Map<String, List<Map<?, ?>>> byNamespace = new HashMap<>();
      for (Object b : inv.list("RoleBinding")) {
        Map<?, ?> roleRef = map(map(b).get("roleRef"));
        if ("Role".equals(roleRef.get("kind"))) {
          String ns = string(map(map(b).get("metadata")).get("namespace"));
          byNamespace.computeIfAbsent(string(roleRef.get("name")) + "\n" + ns,
              k -> new ArrayList<>()).add(map(b));
        }
      }
      return byNamespace;
    });
    List<Map<?, ?>> unnamespaced = index.getOrDefault(name + "\n", List.of());
    List<Map<?, ?>> inNamespace = index.getOrDefault(name + "\n" + namespace, List.of());
    if (unnamespaced.isEmpty()) {
      return inNamespace;
    }
    List<Map<?, ?>> both = new ArrayList<>(unnamespaced);
    both.addAll(inNamespace);
    return both;
  }

  /**
   * The bindings of an inventory by the service account they name ({@code "namespace/name"}): a
   * subject without a namespace in a RoleBinding is in the binding's namespace.
   */
  private static Map<String, List<Object>> bindingsByServiceAccount(Inventory inventory) {
    return inventory.derived("rbac.bindingsByServiceAccount", inv -> {
      Map<String, List<Object>> index = new HashMap<>();
      for (String kind : List.of("ClusterRoleBinding", "RoleBinding")) {
        for (Object b : inv.list(kind)) {
          String bindingNamespace = string(map(map(b).get("metadata")).get("namespace"));
          for (Object s : list(map(b).get("subjects"))) {
            Map<?, ?> subject = map(s);
            if (!"ServiceAccount".equals(subject.get("kind"))) {
              continue;
            }
            String ns = string(subject.get("namespace"));
            if (ns.isEmpty() && kind.equals("RoleBinding")) {
              ns = bindingNamespace;
            }
            List<Object> bindings = index.computeIfAbsent(ns + "/" + string(subject.get("name")),
                k -> new ArrayList<>());
            if (bindings.isEmpty() || bindings.get(bindings.size() - 1) != b) {
              bindings.add(b);
            }
          }
        }
      }
      return index;
    });
  }

  /**
   * The scanned bindings that name a service account as a subject. A manifest without a namespace
   * ({@code ""}) matches subjects of any namespace, since it lands where it is applied.
   */
  static List<Object> serviceAccountBindings(Inventory inventory, String namespace, String name) {
    Map<String, List<Object>> index = bindingsByServiceAccount(inventory);
    if (!namespace.isEmpty()) {
      List<Object> direct = new ArrayList<>(index.getOrDefault(namespace + "/" + name, List.of()));
      direct.addAll(index.getOrDefault("/" + name, List.of()));
      return direct;
    }
    List<Object> all = new ArrayList<>();
    index.forEach((key, bindings) -> {
      if (key.substring(key.indexOf('/') + 1).equals(name)) {
        all.addAll(bindings);
      }
    });
    return all;
  }

  /** Who the scanned bindings grant a role to (see the class comment). */
  static List<Object> grantees(Inventory inventory, Object role) {
    if (!(role instanceof Map<?, ?> r) || !(r.get("kind") instanceof String kind)
        || !(kind.equals("ClusterRole") || kind.equals("Role"))) {
      return List.of();
    }
    Map<?, ?> metadata = map(r.get("metadata"));
    String name = string(metadata.get("name"));
    String namespace = string(metadata.get("namespace"));
    // Every RBAC control asks for the grantees of the role it judges: they are worked out once
    // per role of the scan (what they depend on: kind, namespace, name, and the labels that
    // aggregation rules select).
    String key = kind + "\n" + namespace + "\n" + name + "\n"
        + (kind.equals("ClusterRole") ? String.valueOf(metadata.get("labels")) : "");
    Map<String, List<Object>> known = inventory.derived("rbac.grantees",
        inv -> new java.util.concurrent.ConcurrentHashMap<>());
    List<Object> grantees = known.get(key);
    if (grantees == null) {
      grantees = java.util.Collections.unmodifiableList(
          granteesOf(inventory, kind, name, namespace, metadata));
      known.putIfAbsent(key, grantees);
    }
    return grantees;
  }

  private static List<Object> granteesOf(Inventory inventory, String kind, String name,
      String namespace, Map<?, ?> metadata) {
    Set<String> seen = new LinkedHashSet<>();
    List<Object> grantees = new ArrayList<>();
    addGrantees(inventory, kind, name, namespace, "", seen, grantees);
    if (kind.equals("ClusterRole")) {
      // ClusterRoles whose aggregationRule selects this one hold its rules too, and so do
      // their subjects (and those of the roles that aggregate them, in turn)
      List<String> through = new ArrayList<>();
      Set<String> visited = new LinkedHashSet<>(List.of(name));
      collectAggregators(inventory, metadata.get("labels"), visited, through);
      for (String aggregator : through) {
        addGrantees(inventory, kind, aggregator, "", " (through ClusterRole " + aggregator
            + ", which aggregates it)", seen, grantees);
      }
    }
    return grantees;
  }

  /** The ClusterRoles of the inventory whose aggregation rule selects {@code labels}. */
  private static void collectAggregators(Inventory inventory, Object labels, Set<String> visited,
      List<String> through) {
    if (!(labels instanceof Map<?, ?> l) || l.isEmpty()) {
      return;
    }
    for (Object candidate : inventory.list("ClusterRole")) {
      Map<?, ?> c = map(candidate);
      Map<?, ?> meta = map(c.get("metadata"));
      String candidateName = string(meta.get("name"));
      if (visited.contains(candidateName)) {
        continue;
      }
      boolean aggregates = list(map(c.get("aggregationRule")).get("clusterRoleSelectors"))
          .stream().anyMatch(selector -> LabelSelectors.selects(selector, l));
      if (aggregates) {
        visited.add(candidateName);
        through.add(candidateName);
        collectAggregators(inventory, meta.get("labels"), visited, through);
      }
    }
  }

  private static void addGrantees(Inventory inventory, String kind, String name, String namespace,
      String suffix, Set<String> seen, List<Object> grantees) {
    List<Map<?, ?>> candidates = kind.equals("Role") && !namespace.isEmpty()
        ? roleBindingsIn(inventory, name, namespace)
        : bindingsByRole(inventory).getOrDefault(kind + "/" + name, List.of());
    for (Map<?, ?> binding : candidates) {
      Map<?, ?> bindingMeta = map(binding.get("metadata"));
      String bindingNamespace = string(bindingMeta.get("namespace"));
      boolean clusterWide = "ClusterRoleBinding".equals(binding.get("kind"));
      if (kind.equals("Role") && (clusterWide || !namespace.isEmpty()
          && !bindingNamespace.isEmpty() && !namespace.equals(bindingNamespace))) {
        continue;
      }
      String bindingText = (clusterWide
          ? "ClusterRoleBinding " + string(bindingMeta.get("name"))
          : "RoleBinding " + qualified(bindingNamespace, string(bindingMeta.get("name"))))
          + suffix;
      for (Object s : list(binding.get("subjects"))) {
        Map<?, ?> subject = map(s);
        String subjectKind = string(subject.get("kind"));
        String subjectName = string(subject.get("name"));
        String subjectText;
        if (subjectKind.equals("ServiceAccount")) {
          String saNamespace = string(subject.get("namespace"));
          if (saNamespace.isEmpty() && !clusterWide) {
            saNamespace = bindingNamespace;
          }
          subjectText = "ServiceAccount " + qualified(saNamespace, subjectName);
        } else {
          subjectText = subjectKind + " " + subjectName;
        }
        String text = subjectText + " via " + bindingText;
        if (seen.add(text)) {
          Map<String, Object> grantee = new LinkedHashMap<>();
          grantee.put("subject", subjectText);
          grantee.put("binding", bindingText);
          grantee.put("clusterWide", clusterWide);
          grantee.put("text", text);
          grantees.add(grantee);
        }
      }
    }
  }

  /** A rule in brief: {@code "get,list on secrets,deployments.apps named app-tls"}. */
  static String ruleText(Object rule) {
    Map<?, ?> r = map(rule);
    StringBuilder sb = new StringBuilder(join(list(r.get("verbs")), BRIEF_ITEMS));
    sb.append(" on ");
    List<?> urls = list(r.get("nonResourceURLs"));
    if (!urls.isEmpty() && list(r.get("resources")).isEmpty()) {
      sb.append("nonResourceURLs ").append(join(urls, BRIEF_ITEMS));
      return sb.toString();
    }
    List<String> targets = new ArrayList<>();
    for (Object resource : list(r.get("resources"))) {
      for (Object group : list(r.get("apiGroups"))) {
        String g = String.valueOf(group);
        targets.add(g.isEmpty() ? String.valueOf(resource) : resource + "." + g);
      }
    }
    sb.append(targets.isEmpty() ? "nothing" : join(targets, BRIEF_ITEMS));
    List<?> names = list(r.get("resourceNames"));
    if (!names.isEmpty()) {
      sb.append(" named ").append(join(names, BRIEF_ITEMS));
    }
    return sb.toString();
  }

  private static String join(List<?> items, int max) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < items.size() && i < max; i++) {
      parts.add(String.valueOf(items.get(i)));
    }
    String text = String.join(",", parts);
    return items.size() > max ? text + ",… (" + items.size() + " in all)" : text;
  }

  private static String qualified(String namespace, String name) {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  private static List<?> list(Object value) {
    return value instanceof List<?> l ? l : List.of();
  }

  private static Map<?, ?> map(Object value) {
    return value instanceof Map<?, ?> m ? m : Map.of();
  }

  private static String string(Object value) {
    return value instanceof String s ? s : "";
  }
}
