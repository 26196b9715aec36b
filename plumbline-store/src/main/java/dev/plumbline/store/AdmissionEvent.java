package dev.plumbline.store;

import dev.plumbline.resource.ResourceRef;
import java.time.Instant;
import java.util.Objects;

/**
 * One thing admission control did about one control: a failing control it audited, warned about
 * or enforced, or a control whose patch it applied.
 *
 * @param id the store's id; 0 before it is stored
 * @param at when the review was answered
 * @param cluster the cluster the webhook serves
 * @param reviewUid the AdmissionReview's {@code request.uid}
 * @param operation CREATE or UPDATE
 * @param resource the object reviewed
 * @param user who asked ({@code request.userInfo.username}); null when not given
 * @param action AUDIT, WARN, ENFORCE or MUTATE
 * @param allowed whether the review let the request through
 * @param controlId the control
 * @param path the field the control names; null when none
 * @param message what is wrong, or what the patch changed
 */
public record AdmissionEvent(long id, Instant at, String cluster, String reviewUid,
    String operation, ResourceRef resource, String user, String action, boolean allowed,
    String controlId, String path, String message) {
  public AdmissionEvent {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(reviewUid, "reviewUid");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(controlId, "controlId");
    Objects.requireNonNull(message, "message");
  }
}
