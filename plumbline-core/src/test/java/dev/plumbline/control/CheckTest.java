package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
import dev.plumbline.resource.Workload;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckTest {
  private static List<Violation> violations(String expression, String yaml)
      throws EvaluationException {
    Resource pod = new ManifestReader().readString("p.yaml", yaml).resources().get(0);
    Check check = new Check(PolicyVersion.FIRST, expression, true, null,
        MessageTemplate.parse("{path} is {value}", Target.POD), Target.POD);
    return check.evaluate(EvalContext.forPod(pod, Workload.of(pod), Inventory.EMPTY));
  }

  private static final String POD = """
      apiVersion: v1
      kind: Pod
      metadata: {name: p}
      spec:
        containers: [{name: c, image: i}]
      """;

  @Test
  void aNullValueInAViolationIsJavaNull() throws EvaluationException {
    List<Violation> found = violations("""
        [{'path': 'podSpec.securityContext.runAsNonRoot', 'value': null},
         {'path': 'podSpec.hostNetwork', 'value': [null, {'a': null}]}]
        """, POD);
    assertThat(found.get(0).value()).isNull();
    assertThat(found.get(0).message()).isEqualTo("spec.securityContext.runAsNonRoot is null");
    assertThat(found.get(1).value())
        .isEqualTo(Arrays.asList(null, Collections.singletonMap("a", null)));
  }

  @Test
  void withoutAValueTheViolationTakesTheValueAtItsPath() throws EvaluationException {
    List<Violation> found = violations("[{'path': 'podSpec.containers[0].name'}]", POD);
    assertThat(found.get(0).value()).isEqualTo("c");
    assertThat(found.get(0).path().toString()).isEqualTo("spec.containers[0].name");
  }
}
