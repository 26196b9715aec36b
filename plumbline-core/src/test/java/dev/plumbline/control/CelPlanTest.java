package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link CelPlan} against cel-java's interpreter on the corners of CEL's semantics: errors
 * absorbed by the logical operators and held by comprehension accumulators, optional selection,
 * heterogeneous numbers, type values, missing keys and overloads chosen at run time.
 */
class CelPlanTest {
  private static final Map<String, Object> OBJECT = object();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> object() {
    Map<String, Object> container = new LinkedHashMap<>();
    container.put("name", "app");
    container.put("ports", List.of(Map.of("containerPort", 80L),
        Map.of("containerPort", 8080L)));
    container.put("args", List.of("--a=1", "--b", 7L, 2.5));
    container.put("securityContext", Map.of("privileged", true, "runAsUser", 0L));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("containers", List.of(container));
    spec.put("labels", Map.of("a", "1", "b", "2"));
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("apiVersion", "v1");
    o.put("kind", "Pod");
    o.put("spec", spec);
    return o;
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "object.spec.containers.exists(c, c.securityContext.privileged)",
      "object.spec.containers.all(c, c.missing == 1 || true)",
      "object.spec.containers.all(c, true || c.missing == 1)",
      "object.spec.containers.all(c, c.missing == 1 && false)",
      "object.spec.containers[0].args.exists(a, a.startsWith('--b'))",
      "object.spec.containers[0].args.exists(a, type(a) == string && a.startsWith('--z'))",
      "object.spec.containers[0].args.exists(a, a > 2)",
      "object.spec.containers[0].args.exists_one(a, type(a) == int)",
      "object.spec.containers[0].ports.map(p, p.containerPort).exists(p, p == 80.0)",
      "object.spec.containers[0].ports.all(p, p.containerPort >= 80)",
      "object.?spec.?containers.orValue([])[0].?securityContext.?runAsUser.orValue(1) == 0",
      "object.?spec.?nothing.?deeper.orValue('x') == 'x'",
      "object.?spec.?labels[?'a'].hasValue()",
      "has(object.spec.labels) && !has(object.spec.nothing)",
      "'a' in object.spec.labels && !('z' in object.spec.labels)",
      "object.spec.labels.all(k, object.spec.labels[k] in ['1', '2'])",
      "object.spec.nothing == 1 || object.kind == 'Pod'",
      "object.kind == 'Pod' ? object.spec.containers.size() == 1 : object.nothing",
      "size(object.spec.containers[0].name) == 3 && object.spec.containers[0].name.size() == 3",
      "object.spec.containers[0].args.filter(a, type(a) == string).join(',') == '--a=1,--b'",
      "[[1], [2, 3]].flatten().size() == 3",
      "object.spec.containers[0].args.transformList(i, a, type(a) == string, i) == [0, 1]",
      "object.spec.labels.transformList(k, v, v == '2', k) == ['b']",
      "string(object.spec.containers[0].ports[0].containerPort) == '80'",
      "{'k': 1}.k == 1 && {'k': [1, 'x']}['k'][1] == 'x'",
      "object.spec.containers[0].securityContext.runAsUser == 0u",
      "type(object.spec) == map && type(object.spec.containers) == list && type(1.0) == double",
      "object.kind.lowerAscii().upperAscii() == 'POD' && ' x '.trim() == 'x'",
      "'a,b,,c'.split(',').size() == 4 && 'abc'.substring(1) == 'bc'",
      "object.spec.containers[0].args[5] == 1",
      "object.spec.containers[0].nothing",
      "object.spec.containers[0].name.nothing",
      "object.spec.containers[0].args[0] + 1 == 2",
      "object.spec.containers.exists(c, c.nothing) || true",
      "object.spec.containers.exists(c, c.nothing)",
      "optional.of(1).orValue(2) == 1 && optional.none().orValue(2) == 2",
      "object.?spec.?labels.or(optional.of({})).orValue({}).size() == 2",
      "[1, 2, 3].map(x, x * 2).filter(x, x > 2) == [4, 6]",
      "-1 < 1u",
      "1 / 0 == 1",
      // extensions whose functions are bound only when first asked for (see CelBindings)
      "sets.contains([1, 2, 3], [2]) && !sets.intersects([1], [2]) && sets.equivalent([1], [1])",
      "base64.encode(b'ab') == 'YWI=' && base64.decode('YWI=') == b'ab'",
  })
  void plannedAndInterpretedAgree(String expression) {
    CelSupport.Program program = CelSupport.get().compile(Target.RESOURCE, expression,
        CelSupport.Result.BOOL);
    assertThat(program.planned()).as("planned").isTrue();
    List<String> mismatches = new ArrayList<>();
    CelSupport.crossCheck(mismatches);
    try {
      program.eval(Map.of("object", OBJECT));
    } catch (CelEvaluationException e) {
      // an error is an outcome too: both must have it
    } finally {
      CelSupport.crossCheck(null);
    }
    assertThat(mismatches).isEmpty();
  }

  /**
   * Where the interpreter fails but CEL has an answer, the plan gives it: a Java {@code Integer}
   * in a map (Jackson's reading of a small JSON number) is an int, and {@code list[?index]} is
   * the list's optional index (the interpreter finds it ambiguous with the map's).
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "object.ports.all(p, p >= 80) && string(object.ports[0]) == '80'",
      "object.?items[?0].orValue('') == 'a' && !object.?items[?5].hasValue()",
  })
  void thePlanAnswersWhereTheInterpreterCannot(String expression) throws Exception {
    CelSupport.Program program = CelSupport.get().compile(Target.RESOURCE, expression,
        CelSupport.Result.BOOL);
    assertThat(program.eval(Map.of("object", Map.of("ports", List.of(80, 443),
        "items", List.of("a"))))).isEqualTo(true);
  }

  @Test
  void anErrorNotAbsorbedIsAnEvaluationError() {
    CelSupport.Program program = CelSupport.get().compile(Target.RESOURCE,
        "object.spec.nothing == 1 || object.kind == 'Service'", CelSupport.Result.BOOL);
    assertThatThrownBy(() -> program.eval(Map.of("object", OBJECT)))
        .isInstanceOf(CelEvaluationException.class)
        .hasMessageContaining("nothing");
  }

  @Test
  void theIterationBudgetApplies() {
    CelSupport.Program program = CelSupport.get().compile(Target.RESOURCE,
        "object.items.all(a, true)",
        CelSupport.Result.BOOL);
    List<Object> items = new ArrayList<>();
    for (int i = 0; i <= 1_000_000; i++) {
      items.add((long) i);
    }
    assertThatThrownBy(() -> program.eval(Map.of("object", Map.of("items", items))))
        .isInstanceOf(CelEvaluationException.class)
        .hasMessageContaining("budget");
  }
}
