package dev.plumbline.store;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an exception (accepted risk) covers, as a user writes it through the API. The matching
 * rules are those of {@link dev.plumbline.exceptions.PolicyException}: globs ({@code *},
 * {@code ?}) for namespaces, names and label values, exact kinds, {@code *} for every control.
 *
 * @param clusters the clusters it applies to; empty for every cluster
 * @param controls control ids (or {@code *}); at least one. The store does not know the
 *     library: the caller checks that the ids exist
 * @param namespaces namespace globs; empty for any
 * @param kinds kinds; empty for any
 * @param names resource name globs; empty for any
 * @param labels labels the resource must all carry (value globs); empty for any
 * @param reason why the risk is accepted
 * @param owner who owns the risk
 * @param expires the last day it applies (UTC)
 */
public record ExceptionSpec(List<String> clusters, List<String> controls, List<String> namespaces,
    List<String> kinds, List<String> names, Map<String, String> labels, String reason,
    String owner, LocalDate expires) {

  /**
   * @throws IllegalArgumentException naming the first missing or blank field
   */
  public ExceptionSpec {
    clusters = clean("clusters", clusters);
    controls = clean("controls", controls);
    namespaces = clean("namespaces", namespaces);
    kinds = clean("kinds", kinds);
    names = clean("names", names);
    if (controls.isEmpty()) {
      throw new IllegalArgumentException("controls: required (control ids, or \"*\")");
    }
    Map<String, String> sorted = new TreeMap<>();
    if (labels != null) {
      labels.forEach((k, v) -> {
        if (k == null || k.isBlank() || v == null) {
          throw new IllegalArgumentException("labels: keys and values are required");
        }
        sorted.put(k, v);
      });
    }
    labels = java.util.Collections.unmodifiableMap(sorted);
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("reason: required");
    }
    if (owner == null || owner.isBlank()) {
      throw new IllegalArgumentException("owner: required");
    }
    reason = reason.strip();
    owner = owner.strip();
    Objects.requireNonNull(expires, "expires: required");
  }

  private static List<String> clean(String field, List<String> values) {
    if (values == null) {
      return List.of();
    }
    for (String v : values) {
      if (v == null || v.isBlank()) {
        throw new IllegalArgumentException(field + ": blank entry");
      }
    }
    return values.stream().map(String::strip).distinct().toList();
  }
}
