package dev.plumbline.store;

import java.time.Instant;

/**
 * One entry of a finding's history.
 *
 * @param cluster the cluster
 * @param findingId the finding
 * @param revision 1 for NEW, then one more for each change
 * @param transition what happened
 * @param at when the reconcile that saw it ran
 * @param status the status it left the finding in
 * @param exceptionId the exception that suppressed it, for a suppressed status
 */
public record FindingEvent(String cluster, String findingId, int revision, Transition transition,
    Instant at, FindingStatus status, String exceptionId) {}
