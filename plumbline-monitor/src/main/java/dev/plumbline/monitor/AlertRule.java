package dev.plumbline.monitor;

import dev.plumbline.control.Severity;
import dev.plumbline.store.AlertEvent;
import dev.plumbline.store.FindingStatus;
import dev.plumbline.store.ReconcileResult;
import dev.plumbline.store.StoredFinding;
import dev.plumbline.store.Transition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which changes of a reconcile alert, and what each alert says. New and reopened open findings
 * of at least the alert severity alert; resolved ones too when asked. One alert per finding,
 * change and sink: a resync that changes nothing alerts nothing.
 */
final class AlertRule implements Function<ReconcileResult, List<AlertEvent>> {
  static final JsonMapper JSON = JsonMapper.builder().build();

  private final Severity alertAt;
  private final boolean onResolve;
  private final List<String> sinks;

  AlertRule(Severity alertAt, boolean onResolve, List<String> sinks) {
    this.alertAt = alertAt;
    this.onResolve = onResolve;
    this.sinks = List.copyOf(sinks);
  }

  boolean alerts(ReconcileResult.Change change) {
    StoredFinding f = change.finding();
    if (!f.severity().atLeast(alertAt)) {
      return false;
    }
    return switch (change.transition()) {
      case NEW, REOPENED -> f.status() == FindingStatus.OPEN;
      case RESOLVED -> onResolve;
      default -> false;
    };
  }

  @Override
  public List<AlertEvent> apply(ReconcileResult result) {
    List<AlertEvent> events = new ArrayList<>();
    if (sinks.isEmpty()) {
      return events;
    }
    for (ReconcileResult.Change change : result.changes()) {
      if (!alerts(change)) {
        continue;
      }
      String payload = payload(change.transition(), change.finding(), result);
      for (String sink : sinks) {
        events.add(AlertEvent.of(sink, change, payload));
      }
    }
    return events;
  }

  /** The alert as JSON: what every sink renders (see docs/monitoring.md). */
  static String payload(Transition transition, StoredFinding f, ReconcileResult result) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cluster", f.cluster());
    out.put("transition", transition.name());
    out.put("at", result.at().toString());
    out.put("findingId", f.id());
    out.put("status", f.status().name());
    out.put("severity", f.severity().name());
    Map<String, Object> control = new LinkedHashMap<>();
    control.put("id", f.controlId());
    control.put("version", f.controlVersion());
    control.put("title", f.title());
    control.put("category", f.category());
    control.put("frameworks", f.frameworks());
    out.put("control", control);
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("apiVersion", f.resource().apiVersion());
    resource.put("kind", f.resource().kind());
    resource.put("namespace", f.resource().namespace());
    resource.put("name", f.resource().name());
    resource.put("resourceVersion", f.resourceVersion());
    out.put("resource", resource);
    out.put("path", f.path());
    out.put("value", f.valueJson() == null ? null : JSON.readTree(f.valueJson()));
    out.put("message", f.message());
    out.put("remediation", f.remediation());
    out.put("firstSeen", f.firstSeen().toString());
    out.put("reopenCount", f.reopenCount());
    out.put("revision", f.revision());
    return JSON.writeValueAsString(out);
  }
}
