package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelSelectorsTest {
  private static final Map<String, Object> LABELS = Map.of("app", "web", "tier", "front");

  @Test
  void emptySelectorSelectsEverythingAndNullNothing() {
    assertThat(LabelSelectors.selects(Map.of(), LABELS)).isTrue();
    assertThat(LabelSelectors.selects(Map.of(), null)).isTrue();
    assertThat(LabelSelectors.selects(null, LABELS)).isFalse();
  }

  @Test
  void matchLabelsNeedsEveryPair() {
    assertThat(LabelSelectors.selects(Map.of("matchLabels", Map.of("app", "web")), LABELS))
        .isTrue();
    assertThat(LabelSelectors.selects(
        Map.of("matchLabels", Map.of("app", "web", "tier", "back")), LABELS)).isFalse();
  }

  @Test
  void matchExpressionsOperators() {
    assertThat(sel("In", "app", List.of("web", "api"))).isTrue();
    assertThat(sel("In", "app", List.of("api"))).isFalse();
    assertThat(sel("NotIn", "app", List.of("api"))).isTrue();
    assertThat(sel("NotIn", "missing", List.of("api"))).isTrue();
    assertThat(sel("Exists", "tier", List.of())).isTrue();
    assertThat(sel("DoesNotExist", "tier", List.of())).isFalse();
    assertThat(sel("Bogus", "tier", List.of())).isFalse();
  }

  private static boolean sel(String op, String key, List<String> values) {
    return LabelSelectors.selects(Map.of("matchExpressions",
        List.of(Map.of("key", key, "operator", op, "values", values))), LABELS);
  }
}
