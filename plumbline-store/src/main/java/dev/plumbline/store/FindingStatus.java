package dev.plumbline.store;

/** Where a stored finding is in its life. */
public enum FindingStatus {
  /** Seen in the last evaluation of its resource, not under an exception. */
  OPEN,
  /** Seen in the last evaluation of its resource, under an exception (kept, not dropped). */
  SUPPRESSED,
  /** Not seen in the last evaluation of its resource (fixed, or the resource is gone). */
  RESOLVED
}
