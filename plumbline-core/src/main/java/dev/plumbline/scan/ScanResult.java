package dev.plumbline.scan;

import dev.plumbline.control.PolicyVersion;
import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.InputError;
import dev.plumbline.resource.InputNote;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a scan found, in a deterministic order: findings sorted by file, document, resource,
 * control and path.
 *
 * @param findings open findings
 * @param suppressed findings covered by an active exception
 * @param errors inputs that could not be read or judged (they make the scan exit with 2)
 * @param notes inputs deliberately skipped
 * @param notScanned kinds no selected control judges, with how many objects of each were read
 * @param throughController objects not judged themselves because the controller that owns them
 *     is in the scan and is judged instead (the Pods and ReplicaSets of a Deployment), by kind
 * @param controls how each selected control fared
 * @param frameworks framework scores
 * @param postureScore the severity-weighted pass rate, 0-100 (NaN when nothing was judged)
 * @param judged the resources judged, in input order, with the controls that judged each
 * @param files how many files were read
 * @param pssVersion the Pod Security Standards policy version used
 * @param expiredExceptions exceptions that have expired and no longer apply
 * @param scannedAt when the scan started
 */
public record ScanResult(List<Finding> findings, List<Suppressed> suppressed,
    List<InputError> errors, List<InputNote> notes, Map<String, Integer> notScanned,
    Map<String, Integer> throughController,
    List<ControlResult> controls, List<FrameworkScore> frameworks, double postureScore,
    List<Judged> judged, int files, PolicyVersion pssVersion, List<PolicyException> expiredExceptions,
    Instant scannedAt) {

  /** Open findings per severity, every severity present. */
  public Map<Severity, Integer> countsBySeverity() {
    Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
    for (Severity s : Severity.values()) {
      counts.put(s, 0);
    }
    for (Finding f : findings) {
      counts.merge(f.severity(), 1, Integer::sum);
    }
    return counts;
  }

  /** Whether any open finding is at least as severe as {@code threshold}. */
  public boolean hasFindingsAtLeast(Severity threshold) {
    return findings.stream().anyMatch(f -> f.severity().atLeast(threshold));
  }
}
