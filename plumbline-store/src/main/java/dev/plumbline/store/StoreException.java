package dev.plumbline.store;

/**
 * The store could not do what it was asked: the database is unreachable, went away during the
 * operation, or refused a statement. The message says what was being done, what happened, and
 * whether anything was written.
 */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean unavailable;

  StoreException(String message, Throwable cause, boolean unavailable) {
    super(message, cause);
    this.unavailable = unavailable;
  }

  /**
   * Whether the database could not be reached or the connection broke: retrying later may
   * succeed (every write of the store is a transaction, and reconciling again is idempotent).
   */
  public boolean unavailable() {
    return unavailable;
  }
}
