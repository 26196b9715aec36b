package dev.plumbline.control;

import java.util.List;

/**
 * A compliance framework: requirements, each verified by controls (or marked manual when no
 * object in a cluster can show it). Controls name the requirements they verify; the library joins
 * the two when it loads.
 */
public record Framework(String id, String title, String version, String description, String url,
    List<Requirement> requirements) {

  /**
   * One requirement of a framework.
   *
   * @param id the framework's own id ({@code 5.2.2}, {@code T1611}, {@code privileged-containers})
   * @param title the requirement, in Plumbline's words
   * @param section the group it belongs to, may be empty
   * @param manual true when no control can verify it: a person must (see {@code procedure})
   * @param procedure for manual requirements, how to check by hand
   * @param controls the ids of the controls that verify it, sorted
   */
  public record Requirement(String id, String title, String section, boolean manual,
      String procedure, List<String> controls) {}

  public Requirement requirement(String requirementId) {
    for (Requirement r : requirements) {
      if (r.id().equals(requirementId)) {
        return r;
      }
    }
    return null;
  }
}
