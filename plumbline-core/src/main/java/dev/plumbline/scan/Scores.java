package dev.plumbline.scan;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Posture scores, 0 to 100 (see docs/scoring.md).
 *
 * <ul>
 *   <li>A control's score is the share of the resources it judged that pass it (a resource whose
 *       findings are all covered by exceptions passes).
 *   <li>A requirement's score is the mean of the scores of its controls that judged at least one
 *       resource; it fails when any of them failed a resource. Where one of its Pod Security
 *       checks overrides another of them, only the overriding one counts.
 *   <li>A framework's score is the mean of its applicable requirements' scores: manual
 *       requirements and those no control could judge are left out.
 *   <li>The posture score is the pass rate of every judgement of the scan, each weighted by its
 *       control's severity (critical 10, high 6, medium 3, low 1).
 * </ul>
 */
final class Scores {
  private Scores() {}

  static List<FrameworkScore> frameworks(ScanOptions options, List<ControlResult> results) {
    Map<String, ControlResult> byId = new HashMap<>();
    for (ControlResult r : results) {
      byId.put(r.control().id(), r);
    }
    List<FrameworkScore> scores = new ArrayList<>();
    for (Framework f : options.frameworks()) {
      List<FrameworkScore.RequirementResult> requirements = new ArrayList<>();
      double sum = 0;
      int applicable = 0;
      for (Framework.Requirement r : f.requirements()) {
        if (r.manual()) {
          requirements.add(new FrameworkScore.RequirementResult(r,
              FrameworkScore.Status.MANUAL, Double.NaN, List.of()));
          continue;
        }
        Set<String> counted = Library.countedControls(r, options.pssVersion(),
            id -> byId.containsKey(id) ? byId.get(id).control() : null);
        List<ControlResult> controls = new ArrayList<>();
        double controlSum = 0;
        int judged = 0;
        boolean failed = false;
        for (String id : r.controls()) {
          ControlResult cr = byId.get(id);
          if (cr == null) {
            continue; // not selected, or not available at this policy version
          }
          Control c = cr.control();
          if (!counted.contains(c.id())) {
            continue;
          }
          controls.add(cr);
          if (cr.evaluated() > 0) {
            judged++;
            controlSum += cr.score();
            failed |= cr.failed() > 0;
          }
        }
        if (judged == 0) {
          requirements.add(new FrameworkScore.RequirementResult(r,
              FrameworkScore.Status.NOT_APPLICABLE, Double.NaN, controls));
          continue;
        }
        double score = 100.0 * controlSum / judged;
        requirements.add(new FrameworkScore.RequirementResult(r,
            failed ? FrameworkScore.Status.FAIL : FrameworkScore.Status.PASS, score, controls));
        sum += score;
        applicable++;
      }
      scores.add(new FrameworkScore(f, applicable == 0 ? Double.NaN : sum / applicable,
          requirements));
    }
    return scores;
  }

  static double posture(List<ControlResult> results) {
    double passed = 0;
    double total = 0;
    for (ControlResult r : results) {
      int w = r.severity().weight();
      passed += (double) w * r.passed();
      total += (double) w * r.evaluated();
    }
    return total == 0 ? Double.NaN : 100.0 * passed / total;
  }
}
