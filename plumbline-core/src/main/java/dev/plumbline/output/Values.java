package dev.plumbline.output;

/** How the offending value of a finding is shown as text. */
final class Values {
  private Values() {}

  /**
   * For a person: compact JSON, so that the type shows ({@code true} and {@code "true"} differ,
   * which matters when YAML 1.1 turned {@code yes} into {@code true}); {@code (not set)} when the
   * finding is about a missing setting.
   */
  static String display(Object value) {
    return value == null ? "(not set)" : JsonNodes.compact(value);
  }

  /** For a string-only field (PolicyReport properties): text as is, anything else as JSON. */
  static String text(Object value) {
    return value instanceof String s ? s : JsonNodes.compact(value);
  }
}
