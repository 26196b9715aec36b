package dev.plumbline.store;

import dev.plumbline.resource.ResourceRef;
import java.util.List;

/**
 * One resource's findings (open, suppressed and resolved, worst first) and their history, oldest
 * event first.
 */
public record ResourceHistory(String cluster, ResourceRef resource, List<StoredFinding> findings,
    List<FindingEvent> events) {

  public ResourceHistory {
    findings = List.copyOf(findings);
    events = List.copyOf(events);
  }
}
