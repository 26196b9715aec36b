package dev.plumbline.store;

import dev.plumbline.control.Severity;
import java.time.Instant;
import java.util.Map;

/**
 * One point of a trend: a snapshot's score (the posture score, or a framework's) and its open
 * findings per severity.
 *
 * @param at when the snapshot was taken
 * @param score 0-100; NaN when nothing was judged
 * @param open open findings per severity
 * @param suppressed suppressed findings
 */
public record TrendPoint(Instant at, double score, Map<Severity, Integer> open, int suppressed) {
  public TrendPoint {
    open = Map.copyOf(open);
  }
}
