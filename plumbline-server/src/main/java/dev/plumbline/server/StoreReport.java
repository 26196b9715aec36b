package dev.plumbline.server;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import dev.plumbline.report.Report;
import dev.plumbline.report.Reports;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.store.FindingQuery;
import dev.plumbline.store.FindingStatus;
import dev.plumbline.store.Page;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoredException;
import dev.plumbline.store.StoredFinding;
import dev.plumbline.store.TrendPoint;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A compliance report from the history store: each requirement's status from the open findings
 * of its controls (the rule of {@code /frameworks/{id}/compliance}), the evidence of each stored
 * finding, the exceptions, and the framework score of the stored snapshots over the last 30 days.
 */
final class StoreReport {
  /** How many findings of the framework a report reads at most. */
  static final int FINDING_LIMIT = 50_000;
  /** How many points the trend keeps at most (the last snapshot of each interval). */
  static final int TREND_POINTS = 60;
  static final Duration TREND_SPAN = Duration.ofDays(30);

  private StoreReport() {}

  static Report build(Store store, Library library, String frameworkId, String cluster,
      Instant now) {
    Framework f = library.framework(frameworkId);
    if (f == null) {
      Set<String> known = new TreeSet<>();
      library.frameworks().forEach(x -> known.add(x.id()));
      throw ApiError.notFound("no framework " + frameworkId + " (known: "
          + String.join(", ", known) + ")");
    }
    List<String> clusters = store.clusters();
    if (cluster == null) {
      if (clusters.size() > 1) {
        throw ApiError.badParameter("cluster", "required: the store holds several clusters ("
            + String.join(", ", new TreeSet<>(clusters)) + ")");
      }
      cluster = clusters.isEmpty() ? null : clusters.get(0);
    } else if (!clusters.contains(cluster)) {
      throw ApiError.notFound("no cluster " + cluster + " in the store (known: "
          + (clusters.isEmpty() ? "none yet" : String.join(", ", new TreeSet<>(clusters)))
          + ")");
    }
    List<String> incomplete = new ArrayList<>();
    Map<String, List<StoredFinding>> byControl = new HashMap<>();
    if (cluster != null) {
      FindingQuery q = FindingQuery.all().cluster(cluster).frameworks(f.id())
          .statuses(FindingStatus.OPEN, FindingStatus.SUPPRESSED)
          .sort(FindingQuery.Sort.RESOURCE, false);
      for (int from = 0; ; from += FindingQuery.MAX_LIMIT) {
        if (from >= FINDING_LIMIT) {
          incomplete.add("only the first " + FINDING_LIMIT + " findings of the framework are"
              + " listed; the store holds more");
          break;
        }
        Page<StoredFinding> page = store.findings(q.page(from, FindingQuery.MAX_LIMIT));
        for (StoredFinding sf : page.items()) {
          byControl.computeIfAbsent(sf.controlId(), k -> new ArrayList<>()).add(sf);
          for (String also : sf.also()) {
            byControl.computeIfAbsent(also, k -> new ArrayList<>()).add(sf);
          }
        }
        if (!page.hasMore()) {
          break;
        }
      }
    } else {
      incomplete.add("the store holds no cluster yet: nothing has been scanned");
    }
    List<Report.Requirement> requirements = new ArrayList<>();
    Set<String> failingResources = new HashSet<>();
    Set<String> open = new HashSet<>();
    Set<String> suppressedIds = new HashSet<>();
    Map<String, Set<String>> byException = new HashMap<>();
    int passed = 0;
    int failed = 0;
    int notApplicable = 0;
    int manual = 0;
    for (Framework.Requirement r : f.requirements()) {
      Set<String> seen = new HashSet<>();
      List<Report.Evidence> failures = new ArrayList<>();
      List<Report.Evidence> suppressed = new ArrayList<>();
      for (String c : r.controls()) {
        for (StoredFinding sf : byControl.getOrDefault(c, List.of())) {
          if (!seen.add(sf.id())) {
            continue;
          }
          if (sf.status() == FindingStatus.OPEN) {
            failures.add(evidence(sf));
            open.add(sf.id());
            failingResources.add(key(sf.resource()));
          } else {
            suppressed.add(evidence(sf));
            suppressedIds.add(sf.id());
            if (sf.exceptionId() != null) {
              byException.computeIfAbsent(sf.exceptionId(), k -> new HashSet<>()).add(sf.id());
            }
          }
        }
      }
      failures.sort(Reports.EVIDENCE_ORDER);
      suppressed.sort(Reports.EVIDENCE_ORDER);
      String status;
      if (r.manual()) {
        status = Report.MANUAL;
        manual++;
      } else if (cluster == null || r.controls().stream().noneMatch(c -> library.control(c)
          != null)) {
        status = Report.NOT_APPLICABLE;
        notApplicable++;
      } else if (!failures.isEmpty()) {
        status = Report.FAIL;
        failed++;
      } else {
        status = Report.PASS;
        passed++;
      }
      requirements.add(new Report.Requirement(r.id(), r.title(), r.section(), status, null,
          r.controls(), r.manual() ? r.procedure() : null, failures, suppressed));
    }
    Report.Trend trend;
    Double score = null;
    Instant latest = null;
    if (cluster == null) {
      trend = Report.Trend.none("the store holds no cluster yet");
    } else {
      List<TrendPoint> points = store.trend(cluster, f.id(), now.minus(TREND_SPAN),
          now.plusSeconds(1));
      if (points.isEmpty()) {
        trend = Report.Trend.none("no snapshot of cluster " + cluster + " in the last "
            + TREND_SPAN.toDays() + " days");
      } else {
        TrendPoint last = points.get(points.size() - 1);
        latest = last.at();
        score = Double.isNaN(last.score()) ? null : last.score();
        List<Report.TrendPoint> reduced = downsample(points);
        trend = new Report.Trend(true, "framework score of the stored snapshots of the last "
            + TREND_SPAN.toDays() + " days" + (reduced.size() < points.size()
            ? " (" + points.size() + " snapshots, the last of each of " + reduced.size()
            + " intervals shown)" : ""), reduced);
      }
    }
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<Report.ExceptionEntry> exceptions = new ArrayList<>();
    for (StoredException e : store.exceptions()) {
      if (cluster != null && !e.appliesTo(cluster)) {
        continue;
      }
      boolean concerns = e.spec().controls().contains("*") || e.spec().controls().stream()
          .anyMatch(c -> {
            Control ctl = library.control(c);
            return ctl != null && ctl.frameworks().containsKey(f.id());
          });
      if (!concerns) {
        continue;
      }
      exceptions.add(new Report.ExceptionEntry(e.id(), e.spec().reason(), e.spec().owner(),
          e.spec().expires().toString(), e.activeOn(today) ? "active" : "expired",
          e.spec().controls(), Reports.scope(e.spec().clusters(), e.spec().namespaces(),
              e.spec().kinds(), e.spec().names(), e.spec().labels()),
          byException.getOrDefault(e.id(), Set.of()).size()));
    }
    exceptions.sort(Comparator.comparing(Report.ExceptionEntry::id));
    Report.Summary summary = new Report.Summary(score, passed, failed, notApplicable, manual,
        failingResources.size(), open.size(), suppressedIds.size());
    return new Report(Report.SCHEMA_VERSION, now, Reports.producer(library),
        new Report.Source("server", List.of(), cluster, null, latest, null),
        Reports.framework(f), summary, trend, requirements, exceptions, incomplete);
  }

  /** At most {@link #TREND_POINTS}: the last point of each equal share of the points. */
  static List<Report.TrendPoint> downsample(List<TrendPoint> points) {
    List<Report.TrendPoint> out = new ArrayList<>();
    int n = points.size();
    int buckets = Math.min(n, TREND_POINTS);
    for (int b = 0; b < buckets; b++) {
      int last = (int) (((long) (b + 1) * n) / buckets) - 1;
      TrendPoint p = points.get(last);
      out.add(new Report.TrendPoint(p.at(), Double.isNaN(p.score()) ? null : p.score()));
    }
    return out;
  }

  private static Report.Evidence evidence(StoredFinding f) {
    ResourceRef r = f.resource();
    return new Report.Evidence(f.id(), f.controlId(), f.title(), f.severity().label(),
        new Report.ResourceId(r.apiVersion(), r.kind(), r.namespace(), r.name()), f.path(),
        f.valueJson(), f.originFile(), f.line(), f.resourceVersion(), f.message(),
        f.remediation() == null ? null : f.remediation().strip(), f.exceptionId());
  }

  private static String key(ResourceRef r) {
    return r.group() + "/" + r.kind() + "/" + r.namespace() + "/" + r.name();
  }
}
