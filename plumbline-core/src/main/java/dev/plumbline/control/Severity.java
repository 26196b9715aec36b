package dev.plumbline.control;

import java.util.Locale;

/** How bad a finding is. Ordered from the worst: {@code CRITICAL} compares lowest. */
public enum Severity {
  CRITICAL(10),
  HIGH(6),
  MEDIUM(3),
  LOW(1);

  private final int weight;

  Severity(int weight) {
    this.weight = weight;
  }

  /** The weight of a failed check of this severity in the posture score. */
  public int weight() {
    return weight;
  }

  /** Lower-case name, as written in files and on the command line. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this severity is at least as bad as {@code other}. */
  public boolean atLeast(Severity other) {
    return compareTo(other) <= 0;
  }

  /**
   * Parses a severity name, case-insensitively.
   *
   * @throws IllegalArgumentException listing the accepted names
   */
  public static Severity parse(String text) {
    for (Severity s : values()) {
      if (s.label().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown severity '" + text + "' (expected critical, high, medium or low)");
  }
}
