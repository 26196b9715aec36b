package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.runtime.CelEvaluationException;
import dev.plumbline.resource.ManifestReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RbacTest {
  private static Map<String, Object> rule(List<String> groups, List<String> resources,
      List<String> verbs) {
    return Map.of("apiGroups", groups, "resources", resources, "verbs", verbs);
  }

  /** Whether the rule allows the verb on the resource ("pods" or "pods/exec") of the group. */
  private static boolean grants(Map<String, Object> rule, String verb, String apiGroup,
      String resource) {
    return !Rbac.grantingResources(rule, List.of(verb), List.of(apiGroup), List.of(resource))
        .isEmpty();
  }

  private static Map<String, Object> named(Map<String, Object> rule, String... names) {
    Map<String, Object> copy = new HashMap<>(rule);
    copy.put("resourceNames", List.of(names));
    return copy;
  }

  @Test
  void wildcardsMatchEveryVerbGroupAndResource() {
    Map<String, Object> all = rule(List.of("*"), List.of("*"), List.of("*"));
    assertThat(grants(all, "get", "", "secrets")).isTrue();
    assertThat(grants(all, "create", "", "pods/exec")).isTrue();
    assertThat(grants(all, "escalate", "rbac.authorization.k8s.io", "clusterroles")).isTrue();
  }

  @Test
  void groupsAndVerbsMatchExactly() {
    Map<String, Object> core = rule(List.of(""), List.of("secrets"), List.of("get"));
    assertThat(grants(core, "get", "", "secrets")).isTrue();
    assertThat(grants(core, "list", "", "secrets")).isFalse();
    assertThat(grants(core, "get", "apps", "secrets")).isFalse();
    assertThat(grants(rule(List.of(""), List.of("secrets"), List.of("GET")), "get", "",
        "secrets")).as("verbs are case-sensitive").isFalse();
    assertThat(grants(rule(List.of("*"), List.of("secrets"), List.of("get")), "get", "",
        "secrets")).isTrue();
  }

  @Test
  void subresourcesNeedTheirOwnItemOrAWildcard() {
    assertThat(grants(rule(List.of(""), List.of("pods"), List.of("create")), "create", "",
        "pods/exec")).isFalse();
    assertThat(grants(rule(List.of(""), List.of("pods/exec"), List.of("create")), "create",
        "", "pods/exec")).isTrue();
    assertThat(grants(rule(List.of(""), List.of("*/exec"), List.of("create")), "create", "",
        "pods/exec")).isTrue();
    assertThat(grants(rule(List.of(""), List.of("*/exec"), List.of("create")), "create", "",
        "pods")).isFalse();
    assertThat(grants(rule(List.of(""), List.of("pods/*"), List.of("create")), "create", "",
        "pods/exec")).as("pods/* is not a wildcard in RBAC").isFalse();
    assertThat(grants(rule(List.of(""), List.of("*"), List.of("create")), "create", "",
        "pods/exec")).isTrue();
  }

  @Test
  void resourceNamesNeverGrantRequestsWithoutAName() {
    assertThat(grants(named(rule(List.of(""), List.of("secrets"), List.of("get", "list")),
        "app-tls"), "get", "", "secrets")).isTrue();
    assertThat(grants(named(rule(List.of(""), List.of("secrets"), List.of("list")),
        "app-tls"), "list", "", "secrets")).as("list with a metadata.name field selector")
        .isTrue();
    assertThat(grants(named(rule(List.of(""), List.of("pods"), List.of("*")), "web-0"),
        "create", "", "pods")).isFalse();
    assertThat(grants(named(rule(List.of(""), List.of("pods"), List.of("*")), "web-0"),
        "deletecollection", "", "pods")).isFalse();
    assertThat(grants(named(rule(List.of(""), List.of("pods/exec"), List.of("create")),
        "web-0"), "create", "", "pods/exec")).as("a subresource request names its parent")
        .isTrue();
    assertThat(grants(named(rule(List.of(""), List.of("serviceaccounts/token"),
        List.of("create")), "builder"), "create", "", "serviceaccounts/token")).isTrue();
  }

  @Test
  void nonResourceRulesGrantNoResource() {
    Map<String, Object> urls = Map.of("nonResourceURLs", List.of("*"), "verbs", List.of("*"));
    assertThat(grants(urls, "get", "", "secrets")).isFalse();
    assertThat(Rbac.grantingResources("not a rule", List.of("get"), List.of(""),
        List.of("secrets"))).isEmpty();
    assertThat(grants(Map.of("resources", List.of("secrets"), "verbs", List.of("get")),
        "get", "", "secrets")).as("no apiGroups matches no group").isFalse();
  }

  @Test
  void grantingResourcesPointsAtTheItems() {
    Map<String, Object> r = rule(List.of("", "apps"),
        List.of("configmaps", "secrets", "deployments", "*"), List.of("get", "create"));
    assertThat(Rbac.grantingResources(r, List.of("get"), List.of(""), List.of("secrets")))
        .containsExactly(1L, 3L);
    assertThat(Rbac.grantingResources(r, List.of("create"), List.of("apps"),
        List.of("deployments", "statefulsets"))).containsExactly(2L, 3L);
    assertThat(Rbac.grantingResources(r, List.of("delete"), List.of(""), List.of("secrets")))
        .isEmpty();
  }

  private static Inventory inventory(String yaml) {
    ManifestReader.Result read = new ManifestReader().readString("rbac.yaml", yaml);
    assertThat(read.errors()).isEmpty();
    return Inventory.of(read.resources());
  }

  private static final String BINDINGS = """
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: ops-reader}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
      subjects:
        - {kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io}
        - {kind: ServiceAccount, name: prometheus, namespace: monitoring}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: ci-reader, namespace: ci}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader}
      subjects:
        - {kind: ServiceAccount, name: deployer}
        - {kind: ServiceAccount, name: deployer}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: deploy, namespace: ci}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
      subjects:
        - {kind: User, name: jane@example.com}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: deploy, namespace: staging}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
      subjects:
        - {kind: User, name: bob@example.com}
      ---
      apiVersion: rbac.authorization.k8s.io/v1
      kind: RoleBinding
      metadata: {name: no-subjects, namespace: ci}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
      ---
      # invalid: a ClusterRoleBinding cannot reference a Role
      apiVersion: rbac.authorization.k8s.io/v1
      kind: ClusterRoleBinding
      metadata: {name: invalid}
      roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
      subjects:
        - {kind: User, name: mallory@example.com}
      """;

  private static List<Object> texts(List<Object> grantees) {
    return grantees.stream().map(g -> ((Map<?, ?>) g).get("text")).map(Object.class::cast)
        .toList();
  }

  @Test
  void aClusterRoleIsGrantedByClusterRoleBindingsAndRoleBindings() {
    List<Object> grantees = Rbac.grantees(inventory(BINDINGS), Map.of("kind", "ClusterRole",
        "metadata", Map.of("name", "reader")));
    assertThat(texts(grantees)).containsExactly(
        "Group ops via ClusterRoleBinding ops-reader",
        "ServiceAccount monitoring/prometheus via ClusterRoleBinding ops-reader",
        "ServiceAccount ci/deployer via RoleBinding ci/ci-reader");
    assertThat(grantees.stream().map(g -> ((Map<?, ?>) g).get("clusterWide")).toList())
        .isEqualTo(List.of(true, true, false));
  }

  @Test
  void aRoleIsGrantedByRoleBindingsOfItsNamespace() {
    Inventory inventory = inventory(BINDINGS);
    assertThat(texts(Rbac.grantees(inventory, Map.of("kind", "Role",
        "metadata", Map.of("name", "deployer", "namespace", "ci")))))
        .containsExactly("User jane@example.com via RoleBinding ci/deploy");
    assertThat(texts(Rbac.grantees(inventory, Map.of("kind", "Role",
        "metadata", Map.of("name", "deployer")))))
        .as("a manifest without a namespace can be applied into either")
        .containsExactly("User jane@example.com via RoleBinding ci/deploy",
            "User bob@example.com via RoleBinding staging/deploy");
    assertThat(Rbac.grantees(inventory, Map.of("kind", "Role",
        "metadata", Map.of("name", "reader", "namespace", "ci")))).as("roleRef kind differs")
        .isEmpty();
    assertThat(Rbac.grantees(inventory, Map.of("kind", "ConfigMap"))).isEmpty();
  }

  @Test
  void aRoleBindingWithoutANamespaceMayBindTheRoleOfAnyNamespace() {
    Inventory inventory = inventory(BINDINGS + """
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: anywhere}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}
        subjects:
          - {kind: User, name: kim@example.com}
        """);
    Map<String, Object> role = Map.of("kind", "Role",
        "metadata", Map.of("name", "deployer", "namespace", "ci"));
    assertThat(texts(Rbac.grantees(inventory, role))).containsExactly(
        "User kim@example.com via RoleBinding anywhere",
        "User jane@example.com via RoleBinding ci/deploy");
    assertThat(texts(Rbac.grantees(inventory, Map.of("kind", "Role",
        "metadata", Map.of("name", "deployer", "namespace", "staging"))))).containsExactly(
        "User kim@example.com via RoleBinding anywhere",
        "User bob@example.com via RoleBinding staging/deploy");
    assertThat(Rbac.grantees(inventory, role)).as("asked again")
        .isSameAs(Rbac.grantees(inventory, role));
  }

  @Test
  void aClusterRoleIsGrantedThroughTheClusterRolesThatAggregateIt() {
    // As Kyverno installs itself: the bound role aggregates the ":core" one by its labels.
    Inventory inventory = inventory("""
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: "kyverno:admission-controller"}
        aggregationRule:
          clusterRoleSelectors:
            - matchLabels: {app.kubernetes.io/component: admission-controller}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: "kyverno:admission-controller:core"
          labels: {app.kubernetes.io/component: admission-controller}
        rules: []
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: "kyverno:admission-controller"}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole,
          name: "kyverno:admission-controller"}
        subjects:
          - {kind: ServiceAccount, name: kyverno-admission-controller, namespace: kyverno}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata:
          name: other
          labels: {app.kubernetes.io/component: reports-controller}
        rules: []
        """);
    List<Object> grantees = Rbac.grantees(inventory, Map.of("kind", "ClusterRole", "metadata",
        Map.of("name", "kyverno:admission-controller:core",
            "labels", Map.of("app.kubernetes.io/component", "admission-controller"))));
    assertThat(texts(grantees)).containsExactly("ServiceAccount kyverno/kyverno-admission-controller"
        + " via ClusterRoleBinding kyverno:admission-controller (through ClusterRole"
        + " kyverno:admission-controller, which aggregates it)");
    assertThat(((Map<?, ?>) grantees.get(0)).get("clusterWide")).isEqualTo(true);
    assertThat(Rbac.grantees(inventory, Map.of("kind", "ClusterRole", "metadata",
        Map.of("name", "other", "labels", Map.of("app.kubernetes.io/component",
            "reports-controller"))))).isEmpty();
  }

  @Test
  void theSameInventoryAnswersRepeatedly() {
    Inventory inventory = inventory(BINDINGS);
    Map<String, Object> role = Map.of("kind", "ClusterRole", "metadata", Map.of("name", "reader"));
    assertThat(texts(Rbac.grantees(inventory, role)))
        .isEqualTo(texts(Rbac.grantees(inventory, role)));
    assertThat(Rbac.grantees(Inventory.EMPTY, role)).isEmpty();
  }

  @Test
  void ruleTextNamesResourcesTheKubectlWay() {
    assertThat(Rbac.ruleText(named(rule(List.of("", "apps"), List.of("secrets", "deployments"),
        List.of("get", "list")), "app-tls"))).isEqualTo(
        "get,list on secrets,secrets.apps,deployments,deployments.apps named app-tls");
    assertThat(Rbac.ruleText(Map.of("nonResourceURLs", List.of("/metrics"), "verbs",
        List.of("get")))).isEqualTo("get on nonResourceURLs /metrics");
    assertThat(Rbac.ruleText(rule(List.of("*"), List.of("*"), List.of("*")))).isEqualTo("* on *.*");
    assertThat(Rbac.ruleText(rule(List.of(""), List.of("a", "b", "c", "d", "e", "f", "g", "h",
        "i"), List.of("get")))).isEqualTo("get on a,b,c,d,e,f,g,h,… (9 in all)");
  }

  @Test
  void theFunctionsAreAvailableInExpressions() throws CelEvaluationException {
    Inventory inventory = inventory(BINDINGS);
    Map<String, Object> role = Map.of("kind", "ClusterRole", "metadata", Map.of("name", "reader"),
        "rules", List.of(rule(List.of(""), List.of("pods", "secrets"), List.of("get"))));
    Object result = CelSupport.get().compile(Target.RESOURCE, """
        object.rules.transformList(i, r, grants(r, ['get', 'list'], [''], ['secrets']),
          ruleText(r) + ' @' + string(grantingResources(r, ['get'], [''], ['secrets'])[0])
          + ': ' + inventory.grantees(object).filter(g, g.clusterWide).map(g, g.subject)
              .join('; '))
        """, CelSupport.Result.LIST).eval(Map.of("object", role, "inventory", inventory));
    assertThat(result).isEqualTo(
        List.of("get on pods,secrets @1: Group ops; ServiceAccount monitoring/prometheus"));
  }
}
