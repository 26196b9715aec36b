package dev.plumbline.store;

import dev.plumbline.control.Severity;
import dev.plumbline.resource.ResourceRef;
import java.time.Instant;
import java.util.List;

/**
 * A finding as the store keeps it: the evidence of its last sighting and its lifecycle.
 *
 * @param cluster the cluster it was found in
 * @param id its stable id ({@link dev.plumbline.scan.Finding#id()}); unique within a cluster
 * @param status open, suppressed or resolved
 * @param controlId the control that found it
 * @param controlVersion the version of that control
 * @param title the control's title
 * @param severity the effective severity
 * @param category the control's category
 * @param frameworks the frameworks the control maps to, sorted
 * @param remediation the control's remediation text
 * @param resource the resource (apiVersion, kind, namespace, name)
 * @param path the offending field
 * @param valueJson the offending value as JSON text; null when the setting is missing
 * @param message what is wrong
 * @param originFile the file the resource came from; null for live objects
 * @param line the line of the field (or of the object) in that file; 0 when unknown
 * @param resourceVersion the resourceVersion of a live object; null for files
 * @param also other controls this finding also stands for
 * @param exceptionId the exception that suppresses it; null unless suppressed
 * @param firstSeen when it was first seen (kept across reopenings)
 * @param lastSeen when it was last seen
 * @param resolvedAt when it was resolved; null unless resolved
 * @param reopenCount how many times it was reopened
 * @param revision the number of lifecycle events so far (1 after NEW); the event that produced
 *     this state has this number, which makes alerts unique
 */
public record StoredFinding(String cluster, String id, FindingStatus status, String controlId,
    int controlVersion, String title, Severity severity, String category, List<String> frameworks,
    String remediation, ResourceRef resource, String path, String valueJson, String message,
    String originFile, int line, String resourceVersion, List<String> also, String exceptionId,
    Instant firstSeen, Instant lastSeen, Instant resolvedAt, int reopenCount, int revision) {

  public StoredFinding {
    frameworks = List.copyOf(frameworks);
    also = List.copyOf(also);
  }
}
