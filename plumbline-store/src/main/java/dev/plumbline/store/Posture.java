package dev.plumbline.store;

import dev.plumbline.control.Severity;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.FrameworkScore;
import dev.plumbline.scan.ScanResult;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The numbers of one posture snapshot: what trends are drawn from.
 *
 * @param score the posture score, 0-100; NaN when nothing was judged
 * @param open open findings per severity (every severity present)
 * @param suppressed how many findings exceptions suppress
 * @param frameworks each framework's score and requirement counts, by framework id
 * @param namespaces open findings per namespace and severity ({@code ""} for cluster-scoped
 *     resources)
 */
public record Posture(double score, Map<Severity, Integer> open, int suppressed,
    Map<String, FrameworkPoint> frameworks, Map<String, Map<Severity, Integer>> namespaces) {

  public Posture {
    open = counts(open);
    frameworks = Map.copyOf(frameworks);
    Map<String, Map<Severity, Integer>> ns = new TreeMap<>();
    namespaces.forEach((k, v) -> ns.put(k, counts(v)));
    namespaces = java.util.Collections.unmodifiableMap(ns);
  }

  /**
   * One framework in a snapshot.
   *
   * @param score the framework score, 0-100; NaN when no requirement applied
   * @param passed requirements that passed
   * @param failed requirements that failed
   * @param notApplicable requirements no control judged
   * @param manual requirements a person must check
   */
  public record FrameworkPoint(double score, int passed, int failed, int notApplicable,
      int manual) {}

  /** The posture of a scan. */
  public static Posture of(ScanResult result) {
    Map<String, FrameworkPoint> frameworks = new TreeMap<>();
    for (FrameworkScore f : result.frameworks()) {
      frameworks.put(f.framework().id(), new FrameworkPoint(f.score(),
          (int) f.count(FrameworkScore.Status.PASS), (int) f.count(FrameworkScore.Status.FAIL),
          (int) f.count(FrameworkScore.Status.NOT_APPLICABLE),
          (int) f.count(FrameworkScore.Status.MANUAL)));
    }
    return new Posture(result.postureScore(), result.countsBySeverity(),
        result.suppressed().size(), frameworks, byNamespace(result.findings()));
  }

  private static Map<String, Map<Severity, Integer>> byNamespace(List<Finding> findings) {
    Map<String, Map<Severity, Integer>> out = new TreeMap<>();
    for (Finding f : findings) {
      out.computeIfAbsent(f.resource().namespace(), k -> new EnumMap<>(Severity.class))
          .merge(f.severity(), 1, Integer::sum);
    }
    return out;
  }

  private static Map<Severity, Integer> counts(Map<Severity, Integer> given) {
    Map<Severity, Integer> all = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      Integer n = given == null ? null : given.get(s);
      all.put(s, n == null ? 0 : n);
    }
    return java.util.Collections.unmodifiableMap(all);
  }

  /** Open findings of every severity. */
  public int openTotal() {
    return open.values().stream().mapToInt(Integer::intValue).sum();
  }
}
