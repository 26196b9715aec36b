package dev.plumbline.store;

import java.util.Objects;

/**
 * An alert to deliver to one sink: a change of one finding. The store keeps one per sink,
 * cluster, finding, transition and occurrence, so a change is never queued (or sent) twice.
 *
 * @param sink the sink that delivers it (a webhook's name, {@code syslog}, ...)
 * @param cluster the cluster of the finding
 * @param findingId the finding
 * @param transition what happened to it
 * @param occurrence which occurrence of the change: the finding's revision after it
 * @param payload what to send, as the sink wants it (JSON text, usually)
 */
public record AlertEvent(String sink, String cluster, String findingId, Transition transition,
    int occurrence, String payload) {

  public AlertEvent {
    Objects.requireNonNull(sink, "sink");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(findingId, "findingId");
    Objects.requireNonNull(transition, "transition");
    payload = payload == null ? "" : payload;
  }

  /** The alert of a reconcile's change for a sink. */
  public static AlertEvent of(String sink, ReconcileResult.Change change, String payload) {
    StoredFinding f = change.finding();
    return new AlertEvent(sink, f.cluster(), f.id(), change.transition(), f.revision(), payload);
  }
}
