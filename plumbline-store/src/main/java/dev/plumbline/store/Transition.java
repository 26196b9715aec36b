package dev.plumbline.store;

/** A change in a finding's life, as recorded in its history and sent to alert sinks. */
public enum Transition {
  /** First seen (open or suppressed). */
  NEW,
  /** Seen again after it was resolved. */
  REOPENED,
  /** No longer seen. */
  RESOLVED,
  /** An exception now covers it. */
  SUPPRESSED,
  /** No exception covers it any more (the exception expired or was deleted). */
  UNSUPPRESSED
}
