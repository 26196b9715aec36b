package dev.plumbline.scan;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import dev.plumbline.control.Severity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which controls a scan evaluates and which frameworks it scores, from the user's filters. An id
 * that names nothing is an error, never an empty scan.
 *
 * @param controls the selected controls, sorted by id
 * @param frameworks the frameworks to score
 * @param severities severity overrides by control id
 */
public record Selection(List<Control> controls, List<Framework> frameworks,
    Map<String, Severity> severities) {

  /**
   * Resolves filters.
   *
   * @param frameworkIds frameworks whose controls to evaluate; empty for all controls
   * @param controlIds controls (ids or aliases) to evaluate in addition
   * @param minimum evaluate only controls at least this severe; null for all
   * @param severities severity overrides by control id (or alias)
   * @throws IllegalArgumentException for an unknown framework or control id
   */
  public static Selection resolve(Library library, List<String> frameworkIds,
      List<String> controlIds, Severity minimum, Map<String, Severity> severities) {
    Map<String, Severity> overrides = new LinkedHashMap<>();
    for (Map.Entry<String, Severity> e : severities.entrySet()) {
      Control c = library.control(e.getKey());
      if (c == null) {
        throw new IllegalArgumentException("severity override for unknown control '"
            + e.getKey() + "'" + suggestion(e.getKey(), controlIds(library)));
      }
      overrides.put(c.id(), e.getValue());
    }
    Set<Control> chosen = new LinkedHashSet<>();
    List<Framework> scored = new ArrayList<>();
    for (String id : frameworkIds) {
      Framework f = library.framework(id);
      if (f == null) {
        Set<String> known = new TreeSet<>();
        library.frameworks().forEach(x -> known.add(x.id()));
        throw new IllegalArgumentException("unknown framework '" + id + "' (known: "
            + String.join(", ", known) + ")");
      }
      scored.add(f);
      for (Framework.Requirement r : f.requirements()) {
        for (String cid : r.controls()) {
          chosen.add(library.control(cid));
        }
      }
    }
    for (String id : controlIds) {
      Control c = library.control(id);
      if (c == null) {
        throw new IllegalArgumentException("unknown control '" + id + "'"
            + suggestion(id, controlIds(library)) + "; 'plumbline controls list' shows them all");
      }
      chosen.add(c);
    }
    if (frameworkIds.isEmpty() && controlIds.isEmpty()) {
      chosen.addAll(library.controls());
    }
    if (frameworkIds.isEmpty()) {
      // Score every framework that the chosen controls take part in.
      for (Framework f : library.frameworks()) {
        boolean touched = f.requirements().stream()
            .anyMatch(r -> r.controls().stream().anyMatch(
                id -> chosen.contains(library.control(id))));
        if (touched) {
          scored.add(f);
        }
      }
    }
    List<Control> controls = new ArrayList<>();
    for (Control c : chosen) {
      Severity s = overrides.getOrDefault(c.id(), c.severity());
      if (minimum == null || s.atLeast(minimum)) {
        controls.add(c);
      }
    }
    controls.sort((a, b) -> a.id().compareTo(b.id()));
    return new Selection(controls, scored, overrides);
  }

  private static List<String> controlIds(Library library) {
    List<String> ids = new ArrayList<>();
    for (Control c : library.controls()) {
      ids.add(c.id());
      ids.addAll(c.aliases());
    }
    return ids;
  }

  /** " (did you mean 'x'?)" for the closest known id, or nothing. */
  static String suggestion(String wrong, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(wrong, k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best != null && bestDistance <= Math.max(2, wrong.length() / 3)
        ? " (did you mean '" + best + "'?)" : "";
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
