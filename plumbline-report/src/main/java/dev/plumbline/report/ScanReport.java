package dev.plumbline.report;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.FrameworkScore;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Suppressed;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/** Builds a {@link Report} from a scan (of manifests or of a live cluster). */
public final class ScanReport {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ScanReport() {}

  /**
   * The report of one framework of a scan.
   *
   * @param result the scan; it must have scored the framework
   * @param exceptions the exceptions the scan applied (listed when they concern the framework)
   * @param frameworkId the framework
   * @param library the library the scan used (for the producer's digest)
   * @param source what was scanned
   * @param producedAt when the report is produced
   * @throws IllegalArgumentException when the scan did not score the framework
   */
  public static Report of(ScanResult result, ExceptionSet exceptions, String frameworkId,
      Library library, Report.Source source, Instant producedAt) {
    FrameworkScore score = result.frameworks().stream()
        .filter(f -> f.framework().id().equals(frameworkId)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("the scan did not score framework '"
            + frameworkId + "'"));
    Framework framework = score.framework();
    Map<PolicyException, String> ids = new java.util.IdentityHashMap<>();
    for (PolicyException e : exceptions.all()) {
      ids.put(e, exceptionId(e));
    }
    List<Report.Requirement> requirements = new ArrayList<>();
    Set<String> failingResources = new HashSet<>();
    Set<String> open = new HashSet<>();
    Set<String> suppressedIds = new HashSet<>();
    Map<String, Set<String>> suppressedByException = new java.util.HashMap<>();
    int[] counts = new int[4];
    for (FrameworkScore.RequirementResult r : score.requirements()) {
      Framework.Requirement req = r.requirement();
      List<String> controls = req.controls();
      List<Report.Evidence> failures = new ArrayList<>();
      for (Finding f : result.findings()) {
        if (controls.stream().anyMatch(f::reports)) {
          failures.add(evidence(f, null));
          failingResources.add(key(f.resource()));
          open.add(f.id());
        }
      }
      List<Report.Evidence> suppressed = new ArrayList<>();
      for (Suppressed s : result.suppressed()) {
        if (controls.stream().anyMatch(s.finding()::reports)) {
          String id = ids.getOrDefault(s.exception(), exceptionId(s.exception()));
          suppressed.add(evidence(s.finding(), id));
          suppressedIds.add(s.finding().id());
          suppressedByException.computeIfAbsent(id, k -> new HashSet<>()).add(s.finding().id());
        }
      }
      failures.sort(Reports.EVIDENCE_ORDER);
      suppressed.sort(Reports.EVIDENCE_ORDER);
      String status = switch (r.status()) {
        case PASS -> Report.PASS;
        case FAIL -> Report.FAIL;
        case NOT_APPLICABLE -> Report.NOT_APPLICABLE;
        case MANUAL -> Report.MANUAL;
      };
      counts[r.status().ordinal()]++;
      requirements.add(new Report.Requirement(req.id(), req.title(), req.section(), status,
          number(r.score()), controls, req.manual() ? req.procedure() : null, failures,
          suppressed));
    }
    LocalDate today = LocalDate.ofInstant(producedAt, ZoneOffset.UTC);
    Set<String> frameworkControls = new HashSet<>();
    for (Control c : library.controls()) {
      if (c.frameworks().containsKey(framework.id())) {
        frameworkControls.add(c.id());
        frameworkControls.addAll(c.aliases());
      }
    }
    List<Report.ExceptionEntry> entries = new ArrayList<>();
    for (PolicyException e : exceptions.all()) {
      if (!e.controls().contains("*") && e.controls().stream()
          .noneMatch(frameworkControls::contains)) {
        continue;
      }
      String id = ids.get(e);
      entries.add(new Report.ExceptionEntry(id, e.reason(), e.owner(), e.expires().toString(),
          e.expiredOn(today) ? "expired" : "active", e.controls(),
          Reports.scope(List.of(), e.namespaces(), e.kinds(), e.names(), e.labels()),
          suppressedByException.getOrDefault(id, Set.of()).size()));
    }
    entries.sort(Comparator.comparing(Report.ExceptionEntry::id));
    List<String> incomplete = new ArrayList<>();
    result.errors().forEach(e -> incomplete.add("not read: " + e));
    Report.Summary summary = new Report.Summary(number(score.score()),
        counts[FrameworkScore.Status.PASS.ordinal()], counts[FrameworkScore.Status.FAIL.ordinal()],
        counts[FrameworkScore.Status.NOT_APPLICABLE.ordinal()],
        counts[FrameworkScore.Status.MANUAL.ordinal()], failingResources.size(), open.size(),
        suppressedIds.size());
    Report.Source withScan = new Report.Source(source.kind(), source.inputs(), source.cluster(),
        source.server(), source.scannedAt() != null ? source.scannedAt() : result.scannedAt(),
        source.pssVersion() != null ? source.pssVersion() : result.pssVersion().toString());
    return new Report(Report.SCHEMA_VERSION, producedAt, Reports.producer(library), withScan,
        Reports.framework(framework), summary,
        Report.Trend.none("a single scan has no history; report from a server (plumbline serve)"
            + " for the score over time"),
        requirements, entries, incomplete);
  }

  private static Report.Evidence evidence(Finding f, String exception) {
    ResourceRef r = f.resource();
    String remediation = f.control().remediation() == null ? null
        : f.control().remediation().text();
    return new Report.Evidence(f.id(), f.controlId(), f.control().title(),
        f.severity().label(), new Report.ResourceId(r.apiVersion(), r.kind(), r.namespace(),
            r.name()), f.path().toString(),
        f.value() == null ? null : JSON.writeValueAsString(f.value()), f.origin().file(),
        f.line() > 0 ? f.line() : f.origin().line(), f.origin().resourceVersion(), f.message(),
        remediation == null ? null : remediation.strip(), exception);
  }

  private static String key(ResourceRef r) {
    return r.group() + "/" + r.kind() + "/" + r.namespace() + "/" + r.name();
  }

  static String exceptionId(PolicyException e) {
    if (e.name() != null && !e.name().isBlank()) {
      return e.name();
    }
    return e.file() + ":" + e.line();
  }

  private static Double number(double d) {
    return Double.isNaN(d) ? null : d;
  }
}
