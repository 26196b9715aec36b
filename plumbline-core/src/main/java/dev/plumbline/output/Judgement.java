package dev.plumbline.output;

import dev.plumbline.control.Control;
import dev.plumbline.control.Severity;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.ControlResult;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.Judged;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Suppressed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One control's verdict on one judged resource, with its findings: failed when it has open
 * findings, skipped when all its findings are covered by an exception, passed when it has none.
 * The outputs that list passes too (JUnit, PolicyReport) are built from these.
 */
record Judgement(ResourceRef resource, Origin origin, Control control, Severity severity,
    List<Finding> open, List<Suppressed> suppressed) {

  private record Key(ResourceRef resource, Origin origin, String controlId) {}

  boolean failed() {
    return !open.isEmpty();
  }

  boolean skipped() {
    return open.isEmpty() && !suppressed.isEmpty();
  }

  /**
   * Every judgement of a scan: judged resources in input order, each with its controls in
   * selection order. Findings whose resource is missing from {@link ScanResult#judged()} (which a
   * scanner does not produce) are not dropped: they follow at the end.
   */
  static List<Judgement> of(ScanResult result) {
    Map<String, Severity> severities = new HashMap<>();
    for (ControlResult c : result.controls()) {
      severities.put(c.control().id(), c.severity());
    }
    Map<Key, List<Finding>> open = new LinkedHashMap<>();
    // A finding that stands also for overridden controls is their verdict too.
    for (Finding f : result.findings()) {
      for (Key key : keysOf(f)) {
        open.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
      }
    }
    Map<Key, List<Suppressed>> suppressed = new LinkedHashMap<>();
    for (Suppressed s : result.suppressed()) {
      for (Key key : keysOf(s.finding())) {
        suppressed.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      }
    }
    List<Judgement> all = new ArrayList<>();
    for (Judged j : result.judged()) {
      for (Control c : j.controls()) {
        Key key = new Key(j.resource(), j.origin(), c.id());
        all.add(new Judgement(j.resource(), j.origin(), c,
            severities.getOrDefault(c.id(), c.severity()),
            listOrEmpty(open.remove(key)), listOrEmpty(suppressed.remove(key))));
      }
    }
    // Leftovers, in the result's own (deterministic) order.
    for (Map.Entry<Key, List<Finding>> e : open.entrySet()) {
      Finding first = e.getValue().get(0);
      all.add(new Judgement(first.resource(), first.origin(), first.control(), first.severity(),
          e.getValue(), listOrEmpty(suppressed.remove(e.getKey()))));
    }
    for (List<Suppressed> rest : suppressed.values()) {
      Finding first = rest.get(0).finding();
      all.add(new Judgement(first.resource(), first.origin(), first.control(), first.severity(),
          List.of(), rest));
    }
    return all;
  }

  private static List<Key> keysOf(Finding f) {
    List<Key> keys = new ArrayList<>();
    keys.add(new Key(f.resource(), f.origin(), f.controlId()));
    for (String also : f.also()) {
      keys.add(new Key(f.resource(), f.origin(), also));
    }
    return keys;
  }

  private static <T> List<T> listOrEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
