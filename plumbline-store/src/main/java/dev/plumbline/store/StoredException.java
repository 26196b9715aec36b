package dev.plumbline.store;

import dev.plumbline.exceptions.PolicyException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * An exception kept in the store.
 *
 * @param id its id; suppressed findings name it
 * @param spec what it covers
 * @param createdAt when it was created
 * @param createdBy who created it
 * @param updatedAt when it was last changed
 * @param updatedBy who last changed it
 * @param revision 1 when created, one more for each change
 */
public record StoredException(String id, ExceptionSpec spec, Instant createdAt, String createdBy,
    Instant updatedAt, String updatedBy, int revision) {

  /** Whether it applies on a day (through its expiry date). */
  public boolean activeOn(LocalDate day) {
    return !day.isAfter(spec.expires());
  }

  /** Whether it applies to a cluster. */
  public boolean appliesTo(String cluster) {
    return spec.clusters().isEmpty() || spec.clusters().contains(cluster);
  }

  /**
   * The engine's form: a {@link PolicyException} named by this id, so that a suppressed finding
   * names the stored exception that covers it.
   */
  public PolicyException toPolicyException() {
    return new PolicyException(id, spec.controls(), spec.namespaces(), spec.kinds(),
        spec.names(), spec.labels(), spec.reason(), spec.owner(), spec.expires(),
        "store:" + id, 0);
  }
}
