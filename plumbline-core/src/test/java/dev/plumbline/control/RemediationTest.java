package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.resource.FieldPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RemediationTest {
  private static Map<String, Object> pod() {
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "app");
    List<Object> containers = new ArrayList<>();
    containers.add(container);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("containers", containers);
    Map<String, Object> pod = new LinkedHashMap<>();
    pod.put("spec", spec);
    return pod;
  }

  private static final Remediation NO_ESCALATION = new Remediation("set it", List.of(
      new PatchOp("add", FieldPath.of("securityContext", "allowPrivilegeEscalation"), false)),
      true);

  @Test
  void addCreatesMissingParentsAtEachTarget() {
    Map<String, Object> pod = pod();
    NO_ESCALATION.applyInPlace(pod, List.of(FieldPath.parse("spec.containers[0]")));
    assertThat(FieldPath.parse("spec.containers[0].securityContext.allowPrivilegeEscalation")
        .lookup(pod)).isEqualTo(false);
  }

  @Test
  void absoluteFormIsStrictJsonPatchWithParentsAdded() {
    List<Map<String, Object>> ops = NO_ESCALATION.absolute(pod(),
        FieldPath.parse("spec.containers[0]"));
    assertThat(ops).containsExactly(
        Map.of("op", "add", "path", "/spec/containers/0/securityContext", "value", Map.of()),
        Map.of("op", "add", "path", "/spec/containers/0/securityContext/allowPrivilegeEscalation",
            "value", false));
  }

  @Test
  void absoluteFormReplacesAnExistingValue() {
    Map<String, Object> pod = pod();
    NO_ESCALATION.applyInPlace(pod, List.of(FieldPath.parse("spec.containers[0]")));
    FieldPath.parse("spec.containers[0].securityContext");
    @SuppressWarnings("unchecked")
    Map<String, Object> sc = (Map<String, Object>) FieldPath.parse(
        "spec.containers[0].securityContext").lookup(pod);
    sc.put("allowPrivilegeEscalation", true);
    assertThat(NO_ESCALATION.absolute(pod, FieldPath.parse("spec.containers[0]")))
        .containsExactly(Map.of("op", "replace",
            "path", "/spec/containers/0/securityContext/allowPrivilegeEscalation",
            "value", false));
  }

  @Test
  void removingAMissingFieldDoesNothing() {
    Remediation remove = new Remediation("x",
        List.of(new PatchOp("remove", FieldPath.of("hostNetwork"), null)), true);
    Map<String, Object> pod = pod();
    remove.applyInPlace(pod, List.of(FieldPath.of("spec")));
    assertThat(pod).isEqualTo(pod());
    assertThat(remove.absolute(pod, FieldPath.of("spec"))).isEmpty();
  }

  @Test
  void aStarSegmentStandsForEveryListElement() {
    Remediation noHostPort = new Remediation("x",
        List.of(new PatchOp("remove", LibraryLoader.fromPointer("/ports/*/hostPort"), null)), false);
    Map<String, Object> pod = pod();
    @SuppressWarnings("unchecked")
    Map<String, Object> container = (Map<String, Object>) FieldPath.parse("spec.containers[0]")
        .lookup(pod);
    List<Object> ports = new ArrayList<>();
    ports.add(new LinkedHashMap<>(Map.of("containerPort", 80L, "hostPort", 80L)));
    ports.add(new LinkedHashMap<>(Map.of("containerPort", 9090L)));
    ports.add(new LinkedHashMap<>(Map.of("containerPort", 443L, "hostPort", 443L)));
    container.put("ports", ports);
    assertThat(noHostPort.absolute(pod, FieldPath.parse("spec.containers[0]"))).containsExactly(
        Map.of("op", "remove", "path", "/spec/containers/0/ports/2/hostPort"),
        Map.of("op", "remove", "path", "/spec/containers/0/ports/0/hostPort"));
    noHostPort.applyInPlace(pod, List.of(FieldPath.parse("spec.containers[0]")));
    assertThat(ports).containsExactly(Map.of("containerPort", 80L), Map.of("containerPort", 9090L),
        Map.of("containerPort", 443L));
    Map<String, Object> noPorts = pod();
    noHostPort.applyInPlace(noPorts, List.of(FieldPath.parse("spec.containers[0]")));
    assertThat(noPorts).as("no list there: nothing to do").isEqualTo(pod());
  }

  @Test
  void pointersEscapeSlashesAndTildes() {
    assertThat(FieldPath.of("metadata", "annotations", "a/b~c").toPointer())
        .isEqualTo("/metadata/annotations/a~1b~0c");
    assertThat(LibraryLoader.fromPointer("/metadata/annotations/a~1b~0c"))
        .isEqualTo(FieldPath.of("metadata", "annotations", "a/b~c"));
  }
}
