package dev.plumbline.control;

import java.util.Locale;

/**
 * What a control's expression is evaluated against, and so which variables it can use.
 *
 * <ul>
 *   <li>{@code container}: once per container (init, regular and ephemeral) of every workload;
 *       variables {@code container}, {@code containerType}, {@code podSpec},
 *       {@code podMetadata}, {@code object}, {@code inventory}.
 *   <li>{@code pod}: once per workload, on its pod template; variables {@code podSpec},
 *       {@code podMetadata}, {@code object}, {@code inventory}.
 *   <li>{@code resource}: once per object of the listed kinds; variables {@code object},
 *       {@code inventory}.
 * </ul>
 */
public enum Target {
  CONTAINER,
  POD,
  RESOURCE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Target parse(String text) {
    for (Target t : values()) {
      if (t.label().equals(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown target '" + text + "' (expected container, pod or resource)");
  }
}
