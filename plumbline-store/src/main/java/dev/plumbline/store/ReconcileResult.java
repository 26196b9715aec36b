package dev.plumbline.store;

import java.time.Instant;
import java.util.List;

/**
 * What a reconcile changed, for alerting (one alert per finding and change, never one per
 * resync). Each list holds the findings in their new state, ordered by id.
 *
 * @param cluster the cluster
 * @param at when the evaluation ran
 * @param created findings seen for the first time (open or suppressed)
 * @param reopened resolved findings seen again
 * @param resolved findings no longer seen
 * @param suppressed open findings that an exception now covers
 * @param unsuppressed suppressed findings that no exception covers any more
 * @param unchanged findings seen again in the same status
 */
public record ReconcileResult(String cluster, Instant at, List<StoredFinding> created,
    List<StoredFinding> reopened, List<StoredFinding> resolved, List<StoredFinding> suppressed,
    List<StoredFinding> unsuppressed, int unchanged) {

  public ReconcileResult {
    created = List.copyOf(created);
    reopened = List.copyOf(reopened);
    resolved = List.copyOf(resolved);
    suppressed = List.copyOf(suppressed);
    unsuppressed = List.copyOf(unsuppressed);
  }

  /** Whether nothing changed status. */
  public boolean isQuiet() {
    return created.isEmpty() && reopened.isEmpty() && resolved.isEmpty() && suppressed.isEmpty()
        && unsuppressed.isEmpty();
  }

  /** The changes that leave a finding open (new or reopened open findings, unsuppressed ones). */
  public List<StoredFinding> opened() {
    return java.util.stream.Stream.of(created, reopened, unsuppressed)
        .flatMap(List::stream)
        .filter(f -> f.status() == FindingStatus.OPEN)
        .toList();
  }

  /** Every change, with its transition, in the order created, reopened, resolved, suppressed, unsuppressed. */
  public List<Change> changes() {
    List<Change> all = new java.util.ArrayList<>();
    created.forEach(f -> all.add(new Change(Transition.NEW, f)));
    reopened.forEach(f -> all.add(new Change(Transition.REOPENED, f)));
    resolved.forEach(f -> all.add(new Change(Transition.RESOLVED, f)));
    suppressed.forEach(f -> all.add(new Change(Transition.SUPPRESSED, f)));
    unsuppressed.forEach(f -> all.add(new Change(Transition.UNSUPPRESSED, f)));
    return all;
  }

  /** One finding's change. */
  public record Change(Transition transition, StoredFinding finding) {}
}
