package dev.plumbline.monitor;

import dev.plumbline.control.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link Monitor} watches a cluster and alerts.
 *
 * @param cluster the cluster's name in the store (every finding is stored under it)
 * @param namespaces watch and judge these namespaces only; empty for all
 * @param resync how often the whole cluster is read and reconciled again (catches missed
 *     events); zero or negative for never
 * @param snapshotEvery how often a posture snapshot is recorded; zero or negative for never
 * @param alertAt the lowest severity that alerts
 * @param alertOnResolve whether resolved findings alert too
 * @param sinks where alerts go; empty for nowhere (findings are still stored)
 * @param debounce how long events are gathered before they are evaluated together
 */
public record MonitorSettings(String cluster, Set<String> namespaces, Duration resync,
    Duration snapshotEvery, Severity alertAt, boolean alertOnResolve, List<SinkSettings> sinks,
    Duration debounce) {

  /**
   * Events are gathered for this long by default (from the first one): long enough for the
   * events of one change (an object and what its controller creates in the same instant) to
   * share a batch, short next to the rest of a change's way to the store. Under a burst the
   * batches grow by themselves, since events keep gathering while a batch is judged.
   */
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(50);

  public MonitorSettings {
    Objects.requireNonNull(cluster, "cluster");
    namespaces = namespaces == null ? Set.of() : Set.copyOf(namespaces);
    resync = resync == null ? Duration.ZERO : resync;
    snapshotEvery = snapshotEvery == null ? Duration.ZERO : snapshotEvery;
    alertAt = alertAt == null ? Severity.HIGH : alertAt;
    sinks = sinks == null ? List.of() : List.copyOf(sinks);
    debounce = debounce == null || debounce.isNegative() ? DEFAULT_DEBOUNCE : debounce;
    if (sinks.stream().map(SinkSettings::name).distinct().count() != sinks.size()) {
      throw new IllegalArgumentException("sink names must be unique");
    }
  }

  /** Settings with the default debounce (50 ms). */
  public MonitorSettings(String cluster, Set<String> namespaces, Duration resync,
      Duration snapshotEvery, Severity alertAt, boolean alertOnResolve, List<SinkSettings> sinks) {
    this(cluster, namespaces, resync, snapshotEvery, alertAt, alertOnResolve, sinks,
        DEFAULT_DEBOUNCE);
  }
}
