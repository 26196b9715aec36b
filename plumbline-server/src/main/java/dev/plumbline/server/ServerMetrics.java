package dev.plumbline.server;

import dev.plumbline.control.Severity;
import dev.plumbline.store.FindingQuery;
import dev.plumbline.store.FindingStatus;
import dev.plumbline.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server's meters: request timings, and finding gauges read from the store's counts when
 * /metrics is scraped (one grouped count per status, cheap: the store keeps counts).
 */
final class ServerMetrics {
  private final PrometheusMeterRegistry registry;
  private final Store store;
  private final Map<FindingStatus, Map<Severity, Double>> findings =
      new EnumMap<>(FindingStatus.class);
  private volatile boolean storeUp = true;
  private final MultiGauge byControl;
  private final MultiGauge byNamespace;

  ServerMetrics(PrometheusMeterRegistry registry, Store store) {
    this.registry = registry;
    this.store = store;
    for (FindingStatus status : FindingStatus.values()) {
      Map<Severity, Double> bySeverity = new EnumMap<>(Severity.class);
      findings.put(status, bySeverity);
      for (Severity s : Severity.values()) {
        bySeverity.put(s, Double.NaN);
        Gauge.builder("plumbline_findings", bySeverity, m -> m.get(s))
            .description("Stored findings (every cluster), by severity and status, as of the"
                + " last scrape")
            .tag("severity", s.label())
            .tag("status", Request.lower(status))
            .register(registry);
      }
    }
    byControl = MultiGauge.builder("plumbline_open_findings_by_control")
        .description("Open findings (every cluster) by control, as of the last scrape")
        .register(registry);
    byNamespace = MultiGauge.builder("plumbline_open_findings_by_namespace")
        .description("Open findings (every cluster) by namespace (\"\" for cluster-scoped"
            + " objects), as of the last scrape")
        .register(registry);
    Gauge.builder("plumbline_store_up", this, m -> m.storeUp ? 1 : 0)
        .description("1 when the last scrape could read the store, else 0")
        .register(registry);
  }

  /** Refreshes the finding gauges from the store, then renders every meter. */
  synchronized String scrape() {
    try {
      for (FindingStatus status : FindingStatus.values()) {
        Map<String, Long> counts = store.countFindings(FindingQuery.all().statuses(status),
            FindingQuery.GroupBy.SEVERITY);
        Map<Severity, Double> target = findings.get(status);
        for (Severity s : Severity.values()) {
          target.put(s, counts.getOrDefault(s.name(),
              counts.getOrDefault(s.label(), 0L)).doubleValue());
        }
      }
      byControl.register(rows("control", store.countFindings(
          FindingQuery.all().statuses(FindingStatus.OPEN), FindingQuery.GroupBy.CONTROL)), true);
      byNamespace.register(rows("namespace", store.countFindings(
          FindingQuery.all().statuses(FindingStatus.OPEN), FindingQuery.GroupBy.NAMESPACE)),
          true);
      storeUp = true;
    } catch (RuntimeException e) {
      storeUp = false;
      findings.values().forEach(m -> m.replaceAll((k, v) -> Double.NaN));
    }
    return registry.scrape();
  }

  private static java.util.List<MultiGauge.Row<?>> rows(String tag, Map<String, Long> counts) {
    return counts.entrySet().stream()
        .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of(tag,
            e.getKey() == null ? "" : e.getKey()), e.getValue()))
        .toList();
  }

  void request(Route route, int status, long nanos) {
    Timer.builder("plumbline_http_requests")
        .description("API requests by route and status")
        .tag("method", route.method())
        .tag("route", route.path())
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
