package dev.plumbline.store;

import java.time.Instant;

/**
 * An alert in the outbox and where its delivery stands.
 *
 * @param id the outbox id (for {@code markDelivered} and {@code markFailed})
 * @param event what to deliver
 * @param state where the delivery stands
 * @param attempts how many attempts failed so far
 * @param createdAt when it was queued
 * @param nextAttemptAt when it is due (again)
 * @param deliveredAt when it was delivered; null until then
 * @param lastError the error of the last failed attempt; null when none failed
 */
public record Alert(long id, AlertEvent event, State state, int attempts, Instant createdAt,
    Instant nextAttemptAt, Instant deliveredAt, String lastError) {

  /** Where a delivery stands. */
  public enum State {
    /** Waiting to be sent (first time, or retry after a failure) at {@code nextAttemptAt}. */
    PENDING,
    /** Claimed by a sender: being sent. A claim that is not settled in time lapses. */
    CLAIMED,
    /** Sent. */
    DELIVERED,
    /** Given up on after failed attempts. */
    DEAD
  }
}
