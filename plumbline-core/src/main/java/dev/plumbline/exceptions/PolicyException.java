package dev.plumbline.exceptions;

import dev.plumbline.resource.ResourceRef;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An accepted risk: findings of some controls on some resources are suppressed until a date. A
 * suppressed finding is still counted and listed, never dropped.
 *
 * @param name an optional name, for reports
 * @param controls control ids ({@code *} for every control)
 * @param namespaces namespace globs, empty for any
 * @param kinds kinds, empty for any
 * @param names resource name globs, empty for any
 * @param labels labels the resource must all carry, empty for any
 * @param reason why the risk is accepted
 * @param owner who accepted it
 * @param expires the last day it applies (UTC)
 * @param file where it was defined
 * @param line the line where it starts
 */
public record PolicyException(String name, List<String> controls, List<String> namespaces,
    List<String> kinds, List<String> names, Map<String, String> labels, String reason,
    String owner, LocalDate expires, String file, int line) {

  /** Whether it has expired on {@code today}: it applies through its expiry date. */
  public boolean expiredOn(LocalDate today) {
    return today.isAfter(expires);
  }

  /** Whether it covers findings of a control on a resource with these labels. */
  public boolean covers(String controlId, List<String> controlAliases, ResourceRef resource,
      Map<?, ?> resourceLabels) {
    boolean controlMatches = controls.contains("*") || controls.contains(controlId)
        || controlAliases.stream().anyMatch(controls::contains);
    if (!controlMatches) {
      return false;
    }
    if (!namespaces.isEmpty() && namespaces.stream().noneMatch(g -> glob(g, resource.namespace()))) {
      return false;
    }
    if (!kinds.isEmpty() && !kinds.contains(resource.kind())) {
      return false;
    }
    if (!names.isEmpty() && names.stream().noneMatch(g -> glob(g, resource.name()))) {
      return false;
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      Object actual = resourceLabels == null ? null : resourceLabels.get(e.getKey());
      if (actual == null || !glob(e.getValue(), String.valueOf(actual))) {
        return false;
      }
    }
    return true;
  }

  /** Shell-style glob: {@code *} any run of characters, {@code ?} one character. */
  static boolean glob(String pattern, String text) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.matches(regex.toString(), text);
  }
}
