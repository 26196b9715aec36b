package dev.plumbline.scan;

import dev.plumbline.control.Control;
import dev.plumbline.control.Severity;

/**
 * How one control fared across the scan.
 *
 * @param control the control
 * @param severity its effective severity
 * @param evaluated resources it judged
 * @param failed resources with at least one open finding
 * @param suppressed resources whose findings were all covered by exceptions
 */
public record ControlResult(Control control, Severity severity, int evaluated, int failed,
    int suppressed) {
  public int passed() {
    return evaluated - failed;
  }

  /** The share of judged resources that pass (suppressed ones count as passing), or NaN. */
  public double score() {
    return evaluated == 0 ? Double.NaN : (double) passed() / evaluated;
  }
}
