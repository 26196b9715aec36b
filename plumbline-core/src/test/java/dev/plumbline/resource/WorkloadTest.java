package dev.plumbline.resource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadTest {
  private static Workload workloadOf(String yaml) {
    return Workload.of(new ManifestReader().readString("w.yaml", yaml).resources().get(0));
  }

  @Test
  void explicitNullFieldsReadAsUnset() {
    Workload w = workloadOf("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              hostNetwork: null
              securityContext: {runAsNonRoot: ~}
              containers:
                - name: app
                  image: app:1
                  securityContext: {privileged: null, capabilities: {add: [null, NET_RAW]}}
        """);
    assertThat(w.spec()).doesNotContainKey("hostNetwork");
    assertThat(w.spec().get("securityContext")).isEqualTo(Map.of());
    Workload.Container c = w.containers().get(0);
    assertThat(FieldPath.parse("securityContext").lookup(c.container()))
        .as("null entries go, list elements stay so indexes still match the object")
        .isEqualTo(Map.of("capabilities", Map.of("add", java.util.Arrays.asList(null, "NET_RAW"))));
    assertThat(c.path().toString()).isEqualTo("spec.template.spec.containers[0]");
  }

  @Test
  void nullAnnotationValuesReadAsEmptyStrings() {
    Workload w = workloadOf("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
          annotations:
            container.apparmor.security.beta.kubernetes.io/app:
          labels: {tier: null}
        spec:
          containers: [{name: app, image: app:1}]
        """);
    assertThat(w.metadata().get("annotations"))
        .isEqualTo(Map.of("container.apparmor.security.beta.kubernetes.io/app", ""));
    assertThat(w.metadata().get("labels")).isEqualTo(Map.of("tier", ""));
  }

  @Test
  void anObjectWithoutNullsIsNotCopied() {
    Resource r = new ManifestReader().readString("p.yaml", """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers: [{name: app, image: app:1}]
        """).resources().get(0);
    assertThat(Workload.of(r).spec()).isSameAs(r.object().get("spec"));
  }
}
