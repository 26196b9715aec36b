package dev.plumbline.server;

import static dev.plumbline.server.Route.q;
import static dev.plumbline.server.Route.required;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import dev.plumbline.control.PatchOp;
import dev.plumbline.control.Severity;
import dev.plumbline.report.Report;
import dev.plumbline.report.ReportFormat;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.store.Alert;
import dev.plumbline.store.AuditEntry;
import dev.plumbline.store.ExceptionSpec;
import dev.plumbline.store.FindingEvent;
import dev.plumbline.store.FindingQuery;
import dev.plumbline.store.FindingStatus;
import dev.plumbline.store.Page;
import dev.plumbline.store.ResourceHistory;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoredException;
import dev.plumbline.store.StoredFinding;
import dev.plumbline.store.TrendPoint;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;

/** The endpoints of /api/v1 and what they answer. */
final class Api {
  static final String PREFIX = "/api/v1";
  /** How many findings /resources and compliance read at most to group by resource. */
  static final int RESOURCE_SCAN_LIMIT = 10_000;
  /** How many open findings of a framework compliance reads at most to count resources. */
  static final int COMPLIANCE_SCAN_LIMIT = 2_000;

  private static final String CLUSTER = "a cluster name; omit for every cluster";

  private final Store store;
  private final Library library;
  private final Clock clock;
  private final ObjectMapper json;
  private final List<Route> routes;

  Api(Store store, Library library, Clock clock, ObjectMapper json) {
    this.store = store;
    this.library = library;
    this.clock = clock;
    this.json = json;
    this.routes = List.copyOf(define());
  }

  List<Route> routes() {
    return routes;
  }

  private List<Route> define() {
    List<Route> r = new ArrayList<>();
    r.add(get("/findings", "findings", "List findings: filter, sort, paginate", List.of(
        q("cluster", "string", CLUSTER),
        q("namespace", "list", "namespaces (comma-separated or repeated; \"\" is cluster-scoped)"),
        q("control", "list", "control ids"),
        q("severity", "list", "critical, high, medium, low"),
        q("status", "list", "open, suppressed, resolved (default: open)"),
        q("framework", "list", "framework ids"),
        q("q", "string", "words that must all occur in control, resource, message or path"),
        q("sort", "string", "severity (default), firstSeen, lastSeen, control, resource"),
        q("order", "string", "asc (default) or desc"),
        q("limit", "integer", "page size, 1 to 1000 (default 50)"),
        q("offset", "integer", "findings to skip"),
        q("cursor", "string", "the nextCursor of the previous page")), this::findings));
    r.add(get("/findings/{id}", "findings", "One finding with its evidence and history",
        List.of(required("cluster", "string", "the cluster of the finding")), this::finding));
    r.add(get("/resources", "resources", "Resources with open findings and their counts",
        List.of(q("cluster", "string", CLUSTER), q("namespace", "list", "namespaces"),
            q("kind", "list", "kinds"),
            q("status", "list", "finding statuses counted (default: open)"),
            q("limit", "integer", "resources per page, 1 to 1000 (default 100)"),
            q("offset", "integer", "resources to skip")), this::resources));
    r.add(get("/resources/{kind}/{namespace}/{name}", "resources",
        "One resource's findings (every status) and their history; namespace _ for"
            + " cluster-scoped resources",
        List.of(required("cluster", "string", "the cluster"),
            q("apiVersion", "string", "the resource's apiVersion (found from its findings when"
                + " omitted)")), this::resource));
    r.add(get("/controls", "controls", "Every control of the library",
        List.of(q("framework", "string", "only controls that map to this framework"),
            q("severity", "list", "only these default severities")), this::controls));
    r.add(get("/controls/{id}", "controls", "One control: description, remediation, patch",
        List.of(), this::control));
    r.add(get("/frameworks", "frameworks", "Every framework", List.of(), this::frameworks));
    r.add(get("/frameworks/{id}/compliance", "frameworks",
        "Each requirement's status from the stored open findings of its controls",
        List.of(q("cluster", "string", CLUSTER)), this::compliance));
    r.add(get("/reports/{framework}", "reports", "A compliance report of a framework from the"
        + " store: requirements with evidence, exceptions, manual items, trend (a download)",
        List.of(q("format", "string", "html (default), pdf, csv or json"),
            q("cluster", "string", "the cluster; required when the store holds several")),
        this::report));
    r.add(get("/history/trends", "history", "Posture or framework score over time",
        List.of(required("cluster", "string", "the cluster"),
            q("framework", "string", "a framework id; omit for the posture score"),
            q("from", "string", "start (inclusive), ISO time or date; default 30 days ago"),
            q("to", "string", "end (exclusive); default now")), this::trends));
    r.add(get("/history/namespaces", "history",
        "Open findings per namespace and severity in the latest snapshot at a time",
        List.of(required("cluster", "string", "the cluster"),
            q("at", "string", "ISO time or date; default now")), this::namespaces));
    r.add(get("/history/events", "history", "A cluster's finding lifecycle events, newest first",
        List.of(required("cluster", "string", "the cluster"), q("from", "string", "start"),
            q("to", "string", "end"), q("limit", "integer", "1 to 1000 (default 100)")),
        this::events));
    r.add(get("/clusters", "clusters", "The clusters the store has seen, with open counts",
        List.of(), this::clusters));
    r.add(get("/exceptions", "exceptions", "Every exception", List.of(), this::exceptions));
    r.add(write("POST", "/exceptions", "Create an exception (admin)", this::createException));
    r.add(get("/exceptions/{id}", "exceptions", "One exception", List.of(), this::exception));
    r.add(write("PUT", "/exceptions/{id}", "Replace what an exception covers (admin)",
        this::updateException));
    r.add(write("POST", "/exceptions/{id}/expire", "End an exception now (admin)",
        this::expireException));
    r.add(write("DELETE", "/exceptions/{id}", "Delete an exception; its audit trail stays"
        + " (admin)", this::deleteException));
    r.add(get("/exceptions/{id}/audit", "exceptions", "An exception's audit trail", List.of(),
        this::audit));
    r.add(get("/alerts", "alerts", "Latest alerts of the outbox and delivery counts",
        List.of(q("sink", "string", "a sink name"),
            q("state", "string", "pending, claimed, delivered, dead"),
            q("limit", "integer", "1 to 1000 (default 100)")), this::alerts));
    return r;
  }

  private Route get(String path, String tag, String summary, List<Route.Param> params,
      Route.Handler h) {
    return new Route("GET", PREFIX + path, true, false, tag, summary, params, null, h);
  }

  private Route write(String method, String path, String summary, Route.Handler h) {
    String body = method.equals("PUT") || (method.equals("POST") && !path.endsWith("/expire"))
        ? "ExceptionSpec" : null;
    return new Route(method, PREFIX + path, true, true, "exceptions", summary, List.of(), body,
        h);
  }

  // Findings

  private Object findings(Request req) {
    FindingQuery query = FindingQuery.all().cluster(req.string("cluster"))
        .namespaces(req.list("namespace"))
        .controls(req.list("control").toArray(String[]::new))
        .severities(req.severities("severity").toArray(Severity[]::new))
        .frameworks(req.list("framework").toArray(String[]::new))
        .text(req.string("q"));
    List<FindingStatus> statuses = req.enums("status", FindingStatus.class);
    query = query.statuses(statuses.isEmpty() ? new FindingStatus[] {FindingStatus.OPEN}
        : statuses.toArray(FindingStatus[]::new));
    FindingQuery.Sort sort = req.string("sort") == null ? FindingQuery.Sort.SEVERITY
        : Request.enumValue("sort", FindingQuery.Sort.class, req.string("sort"));
    query = query.sort(sort, descending(req));
    int limit = req.integer("limit", 1, FindingQuery.MAX_LIMIT, 50);
    int offset = offset(req);
    Page<StoredFinding> page = store.findings(query.page(offset, limit));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", page.items().stream().map(Api::findingSummary).toList());
    out.put("total", page.total());
    out.put("offset", page.offset());
    out.put("limit", page.limit());
    out.put("nextCursor", page.hasMore() ? cursor(offset + page.items().size()) : null);
    return out;
  }

  private static boolean descending(Request req) {
    String order = req.string("order");
    if (order == null || order.equalsIgnoreCase("asc")) {
      return false;
    }
    if (order.equalsIgnoreCase("desc")) {
      return true;
    }
    throw ApiError.badParameter("order", "expected asc or desc: " + order);
  }

  private static int offset(Request req) {
    String cursor = req.string("cursor");
    if (cursor != null) {
      if (req.string("offset") != null) {
        throw ApiError.badParameter("cursor", "give cursor or offset, not both");
      }
      try {
        String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (text.startsWith("o:")) {
          int n = Integer.parseInt(text.substring(2));
          if (n >= 0) {
            return n;
          }
        }
      } catch (IllegalArgumentException e) {
        // falls through to the error
      }
      throw ApiError.badParameter("cursor", "not a cursor of this API");
    }
    return req.integer("offset", 0, Integer.MAX_VALUE, 0);
  }

  static String cursor(int offset) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private Object finding(Request req) {
    String cluster = req.string("cluster");
    String id = req.path("id");
    StoredFinding f = store.finding(cluster, id)
        .orElseThrow(() -> ApiError.notFound("no finding " + id + " in cluster " + cluster));
    Map<String, Object> out = findingSummary(f);
    out.put("history", store.findingHistory(cluster, id).stream().map(Api::event).toList());
    return out;
  }

  static Map<String, Object> findingSummary(StoredFinding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cluster", f.cluster());
    m.put("id", f.id());
    m.put("status", Request.lower(f.status()));
    m.put("control", f.controlId());
    m.put("controlVersion", f.controlVersion());
    m.put("title", f.title());
    m.put("severity", f.severity().label());
    m.put("category", f.category());
    m.put("frameworks", f.frameworks());
    m.put("resource", resource(f.resource()));
    m.put("path", f.path());
    m.put("value", f.valueJson());
    m.put("message", f.message());
    m.put("remediation", f.remediation());
    m.put("originFile", f.originFile());
    m.put("line", f.line());
    m.put("resourceVersion", f.resourceVersion());
    m.put("also", f.also());
    m.put("exception", f.exceptionId());
    m.put("firstSeen", f.firstSeen());
    m.put("lastSeen", f.lastSeen());
    m.put("resolvedAt", f.resolvedAt());
    m.put("reopenCount", f.reopenCount());
    m.put("revision", f.revision());
    return m;
  }

  static Map<String, Object> resource(ResourceRef r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiVersion", r.apiVersion());
    m.put("kind", r.kind());
    m.put("namespace", r.namespace());
    m.put("name", r.name());
    return m;
  }

  static Map<String, Object> event(FindingEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("finding", e.findingId());
    m.put("revision", e.revision());
    m.put("transition", Request.lower(e.transition()));
    m.put("at", e.at());
    m.put("status", Request.lower(e.status()));
    m.put("exception", e.exceptionId());
    return m;
  }

  // Resources

  private Object resources(Request req) {
    List<FindingStatus> statuses = req.enums("status", FindingStatus.class);
    Set<String> kinds = new TreeSet<>(req.list("kind"));
    int limit = req.integer("limit", 1, FindingQuery.MAX_LIMIT, 100);
    int offset = req.integer("offset", 0, Integer.MAX_VALUE, 0);
    FindingQuery query = FindingQuery.all().cluster(req.string("cluster"))
        .namespaces(req.list("namespace"))
        .statuses(statuses.isEmpty() ? new FindingStatus[] {FindingStatus.OPEN}
            : statuses.toArray(FindingStatus[]::new))
        .sort(FindingQuery.Sort.RESOURCE, false);
    Map<String, Map<String, Object>> byResource = new LinkedHashMap<>();
    long read = 0;
    long total = 0;
    for (int from = 0; from < RESOURCE_SCAN_LIMIT; from += FindingQuery.MAX_LIMIT) {
      Page<StoredFinding> page = store.findings(query.page(from, FindingQuery.MAX_LIMIT));
      total = page.total();
      for (StoredFinding f : page.items()) {
        read++;
        if (!kinds.isEmpty() && !kinds.contains(f.resource().kind())) {
          continue;
        }
        String key = f.cluster() + "\u0000" + f.resource().apiVersion() + "\u0000"
            + f.resource().kind() + "\u0000" + f.resource().namespace() + "\u0000"
            + f.resource().name();
        Map<String, Object> entry = byResource.computeIfAbsent(key, k -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("cluster", f.cluster());
          m.put("resource", resource(f.resource()));
          m.put("findings", 0);
          m.put("bySeverity", new TreeMap<String, Integer>());
          return m;
        });
        entry.merge("findings", 1, (a, b) -> (Integer) a + (Integer) b);
        @SuppressWarnings("unchecked")
        Map<String, Integer> sev = (Map<String, Integer>) entry.get("bySeverity");
        sev.merge(f.severity().label(), 1, Integer::sum);
      }
      if (!page.hasMore()) {
        break;
      }
    }
    List<Map<String, Object>> all = new ArrayList<>(byResource.values());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", all.subList(Math.min(offset, all.size()),
        Math.min(all.size(), offset + limit)));
    out.put("total", all.size());
    out.put("offset", offset);
    out.put("limit", limit);
    out.put("truncated", read < total);
    return out;
  }

  private Object resource(Request req) {
    String cluster = req.string("cluster");
    String kind = req.path("kind");
    String namespace = req.path("namespace").equals("_") ? "" : req.path("namespace");
    String name = req.path("name");
    String apiVersion = req.string("apiVersion");
    if (apiVersion == null) {
      apiVersion = findApiVersion(cluster, kind, namespace, name);
    }
    ResourceHistory h = store.resourceHistory(cluster,
        new ResourceRef(apiVersion, kind, namespace, name));
    if (h.findings().isEmpty()) {
      throw ApiError.notFound("no findings of " + kind + "/" + (namespace.isEmpty() ? ""
          : namespace + "/") + name + " in cluster " + cluster);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cluster", h.cluster());
    out.put("resource", resource(h.resource()));
    out.put("findings", h.findings().stream().map(Api::findingSummary).toList());
    out.put("history", h.events().stream().map(Api::event).toList());
    return out;
  }

  private String findApiVersion(String cluster, String kind, String namespace, String name) {
    FindingQuery query = FindingQuery.all().cluster(cluster).namespaces(namespace)
        .statuses(FindingStatus.values()).text(name).sort(FindingQuery.Sort.RESOURCE, false);
    for (int from = 0; from < RESOURCE_SCAN_LIMIT; from += FindingQuery.MAX_LIMIT) {
      Page<StoredFinding> page = store.findings(query.page(from, FindingQuery.MAX_LIMIT));
      for (StoredFinding f : page.items()) {
        if (f.resource().kind().equals(kind) && f.resource().name().equals(name)) {
          return f.resource().apiVersion();
        }
      }
      if (!page.hasMore()) {
        break;
      }
    }
    throw ApiError.notFound("no findings of " + kind + "/" + (namespace.isEmpty() ? ""
        : namespace + "/") + name + " in cluster " + cluster);
  }

  // Controls and frameworks

  private Object controls(Request req) {
    String framework = req.string("framework");
    if (framework != null && library.framework(framework) == null) {
      throw ApiError.badParameter("framework", "unknown framework '" + framework + "'");
    }
    Set<Severity> severities = Set.copyOf(req.severities("severity"));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Control c : library.controls()) {
      if (framework != null && !c.frameworks().containsKey(framework)) {
        continue;
      }
      if (!severities.isEmpty() && !severities.contains(c.severity())) {
        continue;
      }
      out.add(controlSummary(c));
    }
    return Map.of("items", out, "total", out.size());
  }

  private static Map<String, Object> controlSummary(Control c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("aliases", c.aliases());
    m.put("version", c.version());
    m.put("title", c.title());
    m.put("severity", c.severity().label());
    m.put("category", c.category());
    m.put("kinds", new TreeSet<>(c.kinds()));
    m.put("frameworks", new TreeMap<>(c.frameworks()));
    return m;
  }

  private Object control(Request req) {
    String id = req.path("id");
    Control c = library.control(id);
    if (c == null) {
      throw ApiError.notFound("no control " + id);
    }
    Map<String, Object> m = controlSummary(c);
    m.put("description", c.description());
    m.put("references", c.references());
    m.put("since", c.since() == null ? null : c.since().toString());
    m.put("pss", c.pss() == null ? null : Map.of("level", c.pss().level(), "check",
        c.pss().check()));
    Map<String, Object> rem = new LinkedHashMap<>();
    rem.put("text", c.remediation() == null ? null : c.remediation().text());
    List<Map<String, Object>> patch = new ArrayList<>();
    if (c.remediation() != null) {
      for (PatchOp op : c.remediation().patch()) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("op", op.op());
        p.put("path", op.path().toPointer());
        if (op.value() != null) {
          p.put("value", op.value());
        }
        patch.add(p);
      }
    }
    rem.put("patch", patch);
    rem.put("safe", c.remediation() != null && c.remediation().safe());
    m.put("remediation", rem);
    m.put("fixtures", fixtures(c));
    return m;
  }

  private static List<String> fixtures(Control c) {
    if (c.folder() == null) {
      return List.of();
    }
    java.nio.file.Path tests = c.folder().resolve("tests");
    try (var files = java.nio.file.Files.list(tests)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .sorted().toList();
    } catch (java.io.IOException | RuntimeException e) {
      return List.of();
    }
  }

  private Object frameworks(Request req) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Framework f : library.frameworks()) {
      Map<String, Object> m = frameworkSummary(f);
      m.put("requirements", f.requirements().size());
      m.put("manual", f.requirements().stream().filter(Framework.Requirement::manual).count());
      out.add(m);
    }
    return Map.of("items", out, "total", out.size());
  }

  private static Map<String, Object> frameworkSummary(Framework f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", f.id());
    m.put("title", f.title());
    m.put("version", f.version());
    m.put("description", f.description());
    m.put("url", f.url());
    return m;
  }

  private Object compliance(Request req) {
    String id = req.path("id");
    Framework f = library.framework(id);
    if (f == null) {
      throw ApiError.notFound("no framework " + id);
    }
    String cluster = req.string("cluster");
    FindingQuery base = FindingQuery.all().cluster(cluster).frameworks(f.id());
    Map<String, Long> open = store.countFindings(base.statuses(FindingStatus.OPEN),
        FindingQuery.GroupBy.CONTROL);
    Map<String, Long> suppressed = store.countFindings(base.statuses(FindingStatus.SUPPRESSED),
        FindingQuery.GroupBy.CONTROL);
    Map<String, Integer> counts = new LinkedHashMap<>();
    FailingResources resources = failingResources(base);
    List<Map<String, Object>> reqs = new ArrayList<>();
    for (Framework.Requirement r : f.requirements()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", r.id());
      m.put("title", r.title());
      m.put("section", r.section());
      m.put("controls", r.controls());
      String status;
      long failing = 0;
      long excepted = 0;
      for (String c : r.controls()) {
        failing += open.getOrDefault(c, 0L);
        excepted += suppressed.getOrDefault(c, 0L);
      }
      if (r.manual()) {
        status = "manual";
        m.put("procedure", r.procedure());
      } else if (r.controls().stream().noneMatch(c -> library.control(c) != null)) {
        status = "not_applicable";
      } else if (failing > 0) {
        status = "fail";
      } else {
        status = "pass";
      }
      m.put("status", status);
      m.put("openFindings", failing);
      m.put("failingResources", failing == 0 ? 0 : resources.count(r.controls()));
      m.put("suppressedFindings", excepted);
      counts.merge(status, 1, Integer::sum);
      reqs.add(m);
    }
    Map<String, Object> out = frameworkSummary(f);
    out.put("cluster", cluster);
    out.put("score", latestScore(cluster, f.id()));
    out.put("counts", counts);
    out.put("failingResourcesExact", resources.exact());
    out.put("requirements", reqs);
    out.put("exceptions", store.exceptions().stream()
        .filter(e -> cluster == null || e.appliesTo(cluster))
        .filter(e -> e.spec().controls().contains("*")
            || e.spec().controls().stream().anyMatch(c -> {
              Control ctl = library.control(c);
              return ctl != null && ctl.frameworks().containsKey(f.id());
            }))
        .map(this::exceptionView).toList());
    return out;
  }

  private Object report(Request req) {
    ReportFormat format;
    try {
      format = ReportFormat.parse(req.string("format") == null ? "html" : req.string("format"));
    } catch (IllegalArgumentException e) {
      throw ApiError.badParameter("format", e.getMessage());
    }
    Report report = StoreReport.build(store, library, req.path("framework"),
        req.string("cluster"), clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    String name = "plumbline-" + report.framework().id()
        + (report.source().cluster() == null ? "" : "-" + report.source().cluster()) + "."
        + format.extension();
    return new Download(format.contentType(), format.bytes(report),
        name.replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  /** A response that is a file to download rather than JSON. */
  record Download(String contentType, byte[] body, String fileName) {}

  /** The resources with open findings, by control, as far as they were read. */
  private record FailingResources(Map<String, Set<String>> byControl, boolean exact) {
    long count(List<String> controls) {
      Set<String> all = new java.util.HashSet<>();
      controls.forEach(c -> all.addAll(byControl.getOrDefault(c, Set.of())));
      return all.size();
    }
  }

  /**
   * Reads the open findings of a framework once (at most {@link #COMPLIANCE_SCAN_LIMIT}) and
   * groups their resources by control. Beyond the limit the counts are lower bounds
   * ({@code exact} false): the store counts findings, not distinct resources.
   */
  private FailingResources failingResources(FindingQuery framework) {
    FindingQuery q = framework.statuses(FindingStatus.OPEN).sort(FindingQuery.Sort.RESOURCE,
        false);
    Map<String, Set<String>> byControl = new java.util.HashMap<>();
    boolean exact = true;
    for (int from = 0; ; from += FindingQuery.MAX_LIMIT) {
      if (from >= COMPLIANCE_SCAN_LIMIT) {
        exact = false;
        break;
      }
      Page<StoredFinding> page = store.findings(q.page(from, FindingQuery.MAX_LIMIT));
      for (StoredFinding f : page.items()) {
        byControl.computeIfAbsent(f.controlId(), k -> new java.util.HashSet<>())
            .add(f.cluster() + "/" + f.resource().group() + "/" + f.resource().kind() + "/"
                + f.resource().namespace() + "/" + f.resource().name());
      }
      if (!page.hasMore()) {
        break;
      }
    }
    return new FailingResources(byControl, exact);
  }

  /** The framework score of the latest snapshot of a cluster; null when there is none. */
  private Double latestScore(String cluster, String framework) {
    if (cluster == null) {
      return null;
    }
    Instant now = clock.instant();
    List<TrendPoint> points = store.trend(cluster, framework, now.minus(java.time.Duration
        .ofDays(30)), now.plusSeconds(1));
    if (points.isEmpty()) {
      return null;
    }
    double s = points.get(points.size() - 1).score();
    return Double.isNaN(s) ? null : s;
  }

  // History

  private Object trends(Request req) {
    String cluster = req.string("cluster");
    String framework = req.string("framework");
    if (framework != null && library.framework(framework) == null) {
      throw ApiError.badParameter("framework", "unknown framework '" + framework + "'");
    }
    Instant to = req.instant("to", clock.instant().plusSeconds(1));
    Instant from = req.instant("from", to.minus(java.time.Duration.ofDays(30)));
    if (!from.isBefore(to)) {
      throw ApiError.badParameter("from", "must be before to");
    }
    List<TrendPoint> points = framework == null ? store.postureTrend(cluster, from, to)
        : store.trend(cluster, framework, from, to);
    List<Map<String, Object>> out = new ArrayList<>();
    for (TrendPoint p : points) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", p.at());
      m.put("score", Double.isNaN(p.score()) ? null : p.score());
      m.put("open", severityMap(p.open()));
      m.put("suppressed", p.suppressed());
      out.add(m);
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("cluster", cluster);
    result.put("framework", framework);
    result.put("from", from);
    result.put("to", to);
    result.put("points", out);
    return result;
  }

  private Object namespaces(Request req) {
    String cluster = req.string("cluster");
    Instant at = req.instant("at", clock.instant());
    Map<String, Object> ns = new TreeMap<>();
    store.namespacePosture(cluster, at).forEach((k, v) -> ns.put(k, severityMap(v)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("cluster", cluster);
    out.put("at", at);
    out.put("namespaces", ns);
    return out;
  }

  private Object events(Request req) {
    String cluster = req.string("cluster");
    Instant to = req.instant("to", clock.instant().plusSeconds(1));
    Instant from = req.instant("from", Instant.EPOCH);
    int limit = req.integer("limit", 1, 1000, 100);
    return Map.of("items", store.events(cluster, from, to, limit).stream().map(Api::event)
        .toList());
  }

  private static Map<String, Integer> severityMap(Map<Severity, Integer> counts) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (Severity s : Severity.values()) {
      m.put(s.label(), counts.getOrDefault(s, 0));
    }
    return m;
  }

  private Object clusters(Request req) {
    Map<String, Long> open = store.countFindings(
        FindingQuery.all().statuses(FindingStatus.OPEN), FindingQuery.GroupBy.CLUSTER);
    List<Map<String, Object>> out = new ArrayList<>();
    for (String c : store.clusters()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", c);
      m.put("openFindings", open.getOrDefault(c, 0L));
      out.add(m);
    }
    return Map.of("items", out);
  }

  // Exceptions

  private Object exceptions(Request req) {
    List<Map<String, Object>> out = store.exceptions().stream().map(this::exceptionView).toList();
    return Map.of("items", out, "total", out.size());
  }

  private Object exception(Request req) {
    return exceptionView(existing(req.path("id")));
  }

  private StoredException existing(String id) {
    return store.exception(id).orElseThrow(() -> ApiError.notFound("no exception " + id));
  }

  private Object createException(Request req) {
    ExceptionSpec spec = spec(req);
    req.context().status(201);
    return exceptionView(store.createException(spec, req.actor, clock.instant()));
  }

  private Object updateException(Request req) {
    String id = req.path("id");
    existing(id);
    ExceptionSpec spec = spec(req);
    try {
      return exceptionView(store.updateException(id, spec, req.actor, clock.instant()));
    } catch (NoSuchElementException e) {
      throw ApiError.notFound("no exception " + id);
    }
  }

  private Object expireException(Request req) {
    String id = req.path("id");
    try {
      return exceptionView(store.expireException(id, req.actor, clock.instant()));
    } catch (NoSuchElementException e) {
      throw ApiError.notFound("no exception " + id);
    }
  }

  private Object deleteException(Request req) {
    String id = req.path("id");
    try {
      store.deleteException(id, req.actor, clock.instant());
    } catch (NoSuchElementException e) {
      throw ApiError.notFound("no exception " + id);
    }
    return Map.of("deleted", id);
  }

  private Object audit(Request req) {
    String id = req.path("id");
    List<AuditEntry> trail = store.exceptionAudit(id);
    if (trail.isEmpty()) {
      throw ApiError.notFound("no exception " + id);
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (AuditEntry a : trail) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", a.id());
      m.put("exception", a.exceptionId());
      m.put("action", a.action().toLowerCase(Locale.ROOT));
      m.put("actor", a.actor());
      m.put("at", a.at());
      m.put("before", a.before() == null ? null : json.readTree(a.before()));
      m.put("after", a.after() == null ? null : json.readTree(a.after()));
      out.add(m);
    }
    return Map.of("items", out);
  }

  private Map<String, Object> exceptionView(StoredException e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", e.id());
    m.putAll(specView(e.spec()));
    m.put("active", e.activeOn(LocalDate.ofInstant(clock.instant(), java.time.ZoneOffset.UTC)));
    m.put("createdAt", e.createdAt());
    m.put("createdBy", e.createdBy());
    m.put("updatedAt", e.updatedAt());
    m.put("updatedBy", e.updatedBy());
    m.put("revision", e.revision());
    return m;
  }

  static Map<String, Object> specView(ExceptionSpec s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("clusters", s.clusters());
    m.put("controls", s.controls());
    m.put("namespaces", s.namespaces());
    m.put("kinds", s.kinds());
    m.put("names", s.names());
    m.put("labels", s.labels());
    m.put("reason", s.reason());
    m.put("owner", s.owner());
    m.put("expires", s.expires().toString());
    return m;
  }

  static final Set<String> SPEC_FIELDS = Set.of("clusters", "controls", "namespaces", "kinds",
      "names", "labels", "reason", "owner", "expires");

  private ExceptionSpec spec(Request req) {
    Object parsed;
    try {
      parsed = json.readValue(req.body(), Object.class);
    } catch (JacksonException e) {
      throw ApiError.badRequest("the body is not valid JSON: "
          + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
    if (!(parsed instanceof Map<?, ?> body)) {
      throw ApiError.badRequest("the body must be a JSON object");
    }
    for (Object key : body.keySet()) {
      if (!SPEC_FIELDS.contains(key)) {
        throw ApiError.badRequest(key + ": unknown field (known: "
            + String.join(", ", new TreeSet<>(SPEC_FIELDS)) + ")");
      }
    }
    for (String required : List.of("reason", "owner", "expires", "controls")) {
      if (body.get(required) == null) {
        throw ApiError.badRequest(required + ": required");
      }
    }
    LocalDate expires;
    try {
      expires = LocalDate.parse(text(body, "expires"));
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("expires: not a date (expected 2026-12-31): "
          + body.get("expires"));
    }
    List<String> controls = strings(body, "controls");
    for (String c : controls) {
      if (!c.equals("*") && library.control(c) == null) {
        throw ApiError.badRequest("controls: unknown control '" + c + "'");
      }
    }
    Map<String, String> labels = new LinkedHashMap<>();
    Object l = body.get("labels");
    if (l instanceof Map<?, ?> lm) {
      lm.forEach((k, v) -> {
        if (!(v instanceof String s)) {
          throw ApiError.badRequest("labels." + k + ": must be a string");
        }
        labels.put(String.valueOf(k), s);
      });
    } else if (l != null) {
      throw ApiError.badRequest("labels: must be an object of strings");
    }
    try {
      return new ExceptionSpec(strings(body, "clusters"), controls, strings(body, "namespaces"),
          strings(body, "kinds"), strings(body, "names"), labels, text(body, "reason"),
          text(body, "owner"), expires);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  private static String text(Map<?, ?> body, String field) {
    Object v = body.get(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw ApiError.badRequest(field + ": must be a string");
    }
    return s;
  }

  private static List<String> strings(Map<?, ?> body, String field) {
    Object v = body.get(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw ApiError.badRequest(field + ": must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw ApiError.badRequest(field + ": must be a list of strings");
      }
      out.add(s);
    }
    return out;
  }

  // Alerts

  private Object alerts(Request req) {
    String sink = req.string("sink");
    Alert.State state = req.string("state") == null ? null
        : Request.enumValue("state", Alert.State.class, req.string("state"));
    int limit = req.integer("limit", 1, 1000, 100);
    List<Map<String, Object>> items = new ArrayList<>();
    for (Alert a : store.alerts(sink, state, limit)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", a.id());
      m.put("sink", a.event().sink());
      m.put("cluster", a.event().cluster());
      m.put("finding", a.event().findingId());
      m.put("transition", Request.lower(a.event().transition()));
      m.put("occurrence", a.event().occurrence());
      m.put("state", Request.lower(a.state()));
      m.put("attempts", a.attempts());
      m.put("createdAt", a.createdAt());
      m.put("nextAttemptAt", a.nextAttemptAt());
      m.put("deliveredAt", a.deliveredAt());
      m.put("lastError", a.lastError());
      items.add(m);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    Map<Alert.State, Long> stored = store.alertCounts(sink);
    for (Alert.State s : Alert.State.values()) {
      counts.put(Request.lower(s), stored.getOrDefault(s, 0L));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("items", items);
    out.put("counts", counts);
    return out;
  }

  static String camel(String enumName) {
    String[] parts = enumName.toLowerCase(Locale.ROOT).split("_");
    StringBuilder b = new StringBuilder(parts[0]);
    for (int i = 1; i < parts.length; i++) {
      b.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
    }
    return b.toString();
  }
}
