package dev.plumbline.resource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What counts as a Kubernetes object: other YAML is skipped with a note, unknown kinds are read,
 * empty documents are nothing, lists are unwrapped.
 */
class DocumentKindsTest {

  static Stream<Arguments> otherYaml() {
    return Stream.of(
        arguments("a GitHub workflow", """
            name: ci
            on:
              push:
                branches: [main]
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - uses: actions/checkout@v4
                  - run: ./mvnw -q verify
            """),
        arguments("a docker-compose file", """
            version: "3.9"
            x-common: &common
              restart: unless-stopped
            services:
              db:
                <<: *common
                image: postgres:16
                environment:
                  POSTGRES_PASSWORD: example
              web:
                <<: *common
                image: shop/web:1.2.0
                ports: ["8080:80"]
            """),
        arguments("a Helm values.yaml", """
            replicaCount: 2
            image:
              repository: shop/web
              tag: ""
            securityContext: {}
            ingress:
              enabled: false
            """),
        arguments("a Helm Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n"),
        arguments("a list at the top", "- a\n- b\n"),
        arguments("a plain string", "just some text\n"),
        arguments("a kind without apiVersion", "kind: Pod\nmetadata: {name: p}\n"),
        arguments("a kind that is not a string", "apiVersion: v1\nkind: [Pod]\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("otherYaml")
  void skipsNonKubernetesYamlWithANote(String what, String text) {
    ManifestReader.Result result = new ManifestReader().readString("other.yaml", text);

    assertThat(result.resources()).isEmpty();
    assertThat(result.errors()).isEmpty();
    assertThat(result.notes()).singleElement().satisfies(n -> {
      assertThat(n.file()).isEqualTo("other.yaml");
      assertThat(n.line()).isEqualTo(1);
      assertThat(n.message()).contains("not a Kubernetes object").endsWith("skipped");
    });
  }

  @Test
  void kustomizeFilesAreRecipesNotObjects() {
    ManifestReader.Result result = new ManifestReader().readString("kustomization.yaml", """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources: [deployment.yaml]
        """);
    assertThat(result.resources()).isEmpty();
    assertThat(result.notes()).singleElement().satisfies(n -> assertThat(n.message())
        .startsWith("Kustomize Kustomization, not a cluster object, skipped")
        .contains("kustomize build DIR | plumbline scan -"));
  }

  @Test
  void readsUnknownKindsAsResources() {
    ManifestReader.Result result = new ManifestReader().readString("crd.yaml", """
        apiVersion: cert-manager.io/v1
        kind: Certificate
        metadata:
          name: shop-tls
          namespace: shop
        spec:
          secretName: shop-tls
          issuerRef: {name: letsencrypt, kind: ClusterIssuer}
          dnsNames: [shop.example.com]
        ---
        apiVersion: example.com/v1alpha1
        kind: Widget
        metadata: {name: w}
        """);

    assertThat(result.errors()).isEmpty();
    assertThat(result.notes()).isEmpty();
    assertThat(result.resources()).extracting(r -> r.ref().display())
        .containsExactly("Certificate/shop/shop-tls", "Widget/w");
    assertThat(result.resources().get(0).ref().apiVersion()).isEqualTo("cert-manager.io/v1");
  }

  static Stream<Arguments> emptyInputs() {
    return Stream.of(
        arguments("an empty file", ""),
        arguments("only blank lines", "\n\n   \n\t\n"),
        arguments("only comments", "# nothing here\n# yet\n"),
        arguments("only separators", "---\n---\n---\n"),
        arguments("separators and comments", "--- # first\n# nothing\n---\n...\n---\n"),
        arguments("explicit null documents", "--- ~\n--- null\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("emptyInputs")
  void emptyDocumentsAreNothing(String what, String text) {
    ManifestReader.Result result = new ManifestReader().readString("empty.yaml", text);

    assertThat(result.resources()).isEmpty();
    assertThat(result.errors()).isEmpty();
    assertThat(result.notes()).isEmpty();
    assertThat(result.files()).isEqualTo(1);
  }

  @Test
  void emptyDocumentsBetweenObjectsKeepTheDocumentIndex() {
    ManifestReader.Result result = new ManifestReader().readString("gaps.yaml", """
        ---
        # the first document is empty
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: a}
        ---
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: b}
        """);
    assertThat(result.resources()).extracting(r -> r.origin().document()).containsExactly(1, 3);
    assertThat(result.resources()).extracting(r -> r.origin().line()).containsExactly(4, 9);
  }

  @Test
  void unwrapsKindListItems() {
    ManifestReader.Result result = new ManifestReader().readString("list.yaml", """
        apiVersion: v1
        kind: List
        metadata: {resourceVersion: ""}
        items:
          - apiVersion: v1
            kind: ServiceAccount
            metadata: {name: web, namespace: shop}
          - apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: web, namespace: shop}
        """);
    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).extracting(r -> r.ref().display())
        .containsExactly("ServiceAccount/shop/web", "Role/shop/web");
    assertThat(result.resources()).extracting(r -> r.origin().line()).containsExactly(5, 8);
  }

  @Test
  void typedListItemsTakeTheirKindFromTheList() {
    ManifestReader.Result result = new ManifestReader().readString("pods.yaml", """
        apiVersion: v1
        kind: PodList
        items:
          - metadata: {name: a, namespace: shop}
            spec: {containers: [{name: app, image: app:1}]}
          - apiVersion: v1
            kind: Pod
            metadata: {name: b, namespace: shop}
        ---
        apiVersion: apps/v1
        kind: DeploymentList
        items:
          - metadata: {name: web}
        """);
    assertThat(result.errors()).isEmpty();
    assertThat(result.resources()).extracting(r -> r.ref().display())
        .containsExactly("Pod/shop/a", "Pod/shop/b", "Deployment/web");
    assertThat(result.resources().get(2).ref().apiVersion()).isEqualTo("apps/v1");
  }

  @Test
  void reportsListItemsThatAreNotObjects() {
    ManifestReader.Result result = new ManifestReader().readString("list.yaml", """
        apiVersion: v1
        kind: List
        items:
          - metadata: {name: no-kind}
          - 42
          - apiVersion: v1
            kind: ConfigMap
            metadata: {name: fine}
        """);
    assertThat(result.resources()).extracting(Resource::name).containsExactly("fine");
    assertThat(result.errors()).extracting(InputError::toString).containsExactly(
        "list.yaml:4: List: items[0] has no apiVersion and kind",
        "list.yaml:5: List: items[1] is not an object");
  }

  @Test
  void emptyListsAreNothing() {
    ManifestReader.Result result = new ManifestReader().readString("list.yaml",
        "apiVersion: v1\nkind: List\nitems: []\n---\napiVersion: v1\nkind: PodList\nitems:\n");
    assertThat(result.resources()).isEmpty();
    assertThat(result.errors()).isEmpty();
  }
}
