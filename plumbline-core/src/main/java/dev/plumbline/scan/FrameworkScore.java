package dev.plumbline.scan;

import dev.plumbline.control.Framework;
import java.util.List;

/**
 * A framework's result: each requirement's status and score, and the framework score (the mean of
 * the applicable requirements' scores, 0-100).
 */
public record FrameworkScore(Framework framework, double score, List<RequirementResult> requirements) {

  /** Status of one requirement. */
  public enum Status {
    /** Every control that verifies it passed on every resource it judged. */
    PASS,
    /** At least one resource failed one of its controls. */
    FAIL,
    /** None of its controls judged any resource (or none exists at the policy version). */
    NOT_APPLICABLE,
    /** No control can verify it; a person must. */
    MANUAL
  }

  /**
   * @param requirement the requirement
   * @param status its status
   * @param score the mean score of its controls that judged something, 0-100, NaN when none did
   * @param controls the results of its controls that were evaluated
   */
  public record RequirementResult(Framework.Requirement requirement, Status status, double score,
      List<ControlResult> controls) {}

  public long count(Status status) {
    return requirements.stream().filter(r -> r.status() == status).count();
  }
}
