package dev.plumbline.control;

import java.util.List;
import java.util.Map;

/**
 * Kubernetes label selector matching ({@code metav1.LabelSelector}): every {@code matchLabels}
 * pair must be present and every {@code matchExpressions} requirement must hold. An empty selector
 * selects everything; a missing (null) selector selects nothing.
 */
final class LabelSelectors {
  private LabelSelectors() {}

  static boolean selects(Object selector, Object labels) {
    if (!(selector instanceof Map<?, ?> sel)) {
      return false;
    }
    Map<?, ?> actual = labels instanceof Map<?, ?> m ? m : Map.of();
    if (sel.get("matchLabels") instanceof Map<?, ?> matchLabels) {
      for (Map.Entry<?, ?> e : matchLabels.entrySet()) {
        Object value = actual.get(e.getKey());
        if (value == null || !String.valueOf(value).equals(String.valueOf(e.getValue()))) {
          return false;
        }
      }
    }
    if (sel.get("matchExpressions") instanceof List<?> expressions) {
      for (Object o : expressions) {
        if (!(o instanceof Map<?, ?> expr) || !matches(expr, actual)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean matches(Map<?, ?> expr, Map<?, ?> labels) {
    Object key = expr.get("key");
    Object operator = expr.get("operator");
    List<?> values = expr.get("values") instanceof List<?> l ? l : List.of();
    boolean present = labels.containsKey(key);
    String value = present ? String.valueOf(labels.get(key)) : null;
    if (!(operator instanceof String op)) {
      return false;
    }
    return switch (op) {
      case "In" -> present && contains(values, value);
      case "NotIn" -> !present || !contains(values, value);
      case "Exists" -> present;
      case "DoesNotExist" -> !present;
      default -> false;
    };
  }

  private static boolean contains(List<?> values, String value) {
    for (Object v : values) {
      if (String.valueOf(v).equals(value)) {
        return true;
      }
    }
    return false;
  }
}
