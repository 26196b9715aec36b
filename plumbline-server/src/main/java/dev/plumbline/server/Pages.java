package dev.plumbline.server;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import dev.plumbline.control.PatchOp;
import dev.plumbline.control.Severity;
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
import dev.plumbline.store.Transition;
import io.javalin.http.Context;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Collectors;
import tools.jackson.databind.ObjectMapper;

/** The dashboard's pages: each reads the store through the queries the API uses. */
final class Pages {
  static final int PAGE_SIZE = 50;
  /** Exceptions that end within this many days stand out. */
  static final int EXPIRING_SOON_DAYS = 14;
  private static final DateTimeFormatter TIME = DateTimeFormatter
      .ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final List<String> GROUPS = List.of("control", "namespace", "resource",
      "severity", "framework", "status");

  private final Store store;
  private final Library library;
  private final Api api;
  private final Clock clock;
  private final ObjectMapper json;

  Pages(Store store, Library library, Api api, Clock clock, ObjectMapper json) {
    this.store = store;
    this.library = library;
    this.api = api;
    this.clock = clock;
    this.json = json;
  }

  // Layout

  String layout(Dashboard.Viewer viewer, String cluster, String title, String body,
      String current) {
    Html h = new Html();
    h.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>").text(title).raw(" · Plumbline</title>"
        + "<link rel=\"stylesheet\" href=\"/assets/dashboard.css\">"
        + "<script src=\"/assets/dashboard.js\" defer></script></head><body>"
        + "<a class=\"skip\" href=\"#main\">Skip to content</a><header class=\"top\">"
        + "<a class=\"brand\" href=\"/\">Plumbline</a>");
    if (viewer != null) {
      h.raw("<nav aria-label=\"Main\"><ul>");
      String[][] items = {{"/", "Overview"}, {"/findings", "Findings"},
          {"/compliance", "Compliance"}, {"/controls", "Controls"},
          {"/exceptions", "Exceptions"}, {"/alerts", "Alerts"}};
      for (String[] item : items) {
        h.raw("<li><a").attr("href", cluster == null || item[0].equals("/controls")
            ? item[0] : Html.url(item[0], Map.of("cluster", cluster)));
        if (item[0].equals(current)) {
          h.raw(" aria-current=\"page\"");
        }
        h.raw(">").text(item[1]).raw("</a></li>");
      }
      h.raw("</ul></nav>");
      List<String> clusters = cluster == null ? List.of() : store.clusters();
      if (clusters.size() > 0) {
        h.raw("<form class=\"cluster\" method=\"get\" action=\"").text(current.isEmpty() ? "/"
            : current).raw("\"><label for=\"cluster-select\">Cluster</label>"
            + "<select id=\"cluster-select\" name=\"cluster\" data-autosubmit>");
        for (String c : clusters) {
          h.raw("<option").attr("value", c).raw(c.equals(cluster) ? " selected>" : ">").text(c)
              .raw("</option>");
        }
        h.raw("</select><button type=\"submit\">Switch</button></form>");
      }
      h.raw("<div class=\"user\">");
      if (viewer.session() != null) {
        h.raw("<span>").text(viewer.name()).raw(" (").text(Request.lower(viewer.role()))
            .raw(")</span><form method=\"post\" action=\"/signout\">");
        csrf(h, viewer);
        h.raw("<button type=\"submit\" class=\"link\">Sign out</button></form>");
      } else {
        h.raw("<span>demo: read-only</span> <a href=\"/signin\">Sign in</a>");
      }
      h.raw("</div>");
    }
    h.raw("</header><main id=\"main\" tabindex=\"-1\"><h1>").text(title).raw("</h1>")
        .raw(body).raw("</main><footer>Plumbline · served by <code>plumbline serve</code>"
            + " · <a href=\"/api/v1/openapi.json\">API</a></footer></body></html>");
    return h.toString();
  }

  private static void csrf(Html h, Dashboard.Viewer viewer) {
    h.raw("<input type=\"hidden\" name=\"csrf\"").attr("value", viewer.csrf()).raw(">");
  }

  private void send(Context ctx, Dashboard.Viewer viewer, String cluster, String title,
      Html body, String current) {
    ctx.contentType("text/html; charset=utf-8");
    ctx.result(layout(viewer, cluster, title, body.toString(), current));
  }

  /** The cluster asked for, else the one with the most open findings, else null. */
  String cluster(Context ctx) {
    String asked = ctx.queryParam("cluster");
    List<String> all = store.clusters();
    if (asked != null && !asked.isBlank()) {
      if (!all.contains(asked)) {
        throw new ApiError(404, "No cluster named '" + asked + "' in the store.", "cluster");
      }
      return asked;
    }
    if (all.isEmpty()) {
      return null;
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    Map<String, Long> open = store.countFindings(FindingQuery.all()
        .statuses(FindingStatus.OPEN), FindingQuery.GroupBy.CLUSTER);
    return all.stream().max(java.util.Comparator.<String>comparingLong(
        c -> open.getOrDefault(c, 0L)).thenComparing(java.util.Comparator.reverseOrder()))
        .orElse(all.get(0));
  }

  private static String when(Instant t) {
    return t == null ? "—" : TIME.format(t);
  }

  private static String sev(Html h, Severity s) {
    h.raw("<span class=\"sev sev-" + s.label() + "\">").text(s.label()).raw("</span>");
    return "";
  }

  private static String ns(String namespace) {
    return namespace == null || namespace.isEmpty() ? "(cluster-scoped)" : namespace;
  }

  static String resourceUrl(String cluster, ResourceRef r) {
    return Html.url("/resources/" + Html.enc(r.kind()) + "/"
        + Html.enc(r.namespace().isEmpty() ? "_" : r.namespace()) + "/" + Html.enc(r.name()),
        Map.of("cluster", cluster, "apiVersion", r.apiVersion()));
  }

  static String resourceLabel(ResourceRef r) {
    return r.kind() + " " + (r.namespace().isEmpty() ? "" : r.namespace() + "/") + r.name();
  }

  static String findingUrl(StoredFinding f) {
    return Html.url("/findings/" + Html.enc(f.id()), Map.of("cluster", f.cluster()));
  }

  private void noCluster(Context ctx, Dashboard.Viewer viewer, String title, String current) {
    send(ctx, viewer, null, title, new Html().raw("<p>The store holds no findings yet: the"
        + " monitor stores them after its first scan.</p>"), current);
  }

  // Overview

  void overview(Context ctx, Dashboard.Viewer viewer) {
    String cluster = cluster(ctx);
    if (cluster == null) {
      noCluster(ctx, viewer, "Overview", "/");
      return;
    }
    Instant now = clock.instant();
    Html h = new Html();
    List<TrendPoint> posture = store.postureTrend(cluster, now.minus(Duration.ofDays(30)),
        now.plusSeconds(1));
    TrendPoint last = posture.isEmpty() ? null : posture.get(posture.size() - 1);
    h.raw("<section class=\"cards\" aria-label=\"Posture\">");
    h.raw("<div class=\"card score\"><h2>Posture score</h2><p class=\"big\" id=\"posture-score\">")
        .text(last == null || Double.isNaN(last.score()) ? "—" : score(last.score()))
        .raw("</p><p class=\"hint\">").text(last == null ? "no snapshot yet"
            : "snapshot of " + when(last.at())).raw("</p></div>");
    Map<String, Long> bySeverity = store.countFindings(FindingQuery.all().cluster(cluster)
        .statuses(FindingStatus.OPEN), FindingQuery.GroupBy.SEVERITY);
    h.raw("<div class=\"card\"><h2>Open findings by severity</h2><ul class=\"bars\">");
    long max = Math.max(1, bySeverity.values().stream().mapToLong(Long::longValue).max()
        .orElse(1));
    for (Severity s : Severity.values()) {
      long n = bySeverity.getOrDefault(s.label(), 0L);
      h.raw("<li><a").attr("href", Html.url("/findings", Map.of("cluster", cluster,
          "severity", s.label()))).raw(">");
      sev(h, s);
      h.raw("</a><svg class=\"bar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\""
          + " aria-hidden=\"true\"><rect class=\"bar-" + s.label() + "\" width=\""
          + String.format(Locale.ROOT, "%.1f", 100.0 * n / max) + "\" height=\"10\"/></svg>"
          + "<span class=\"n\">").text(String.format(Locale.ROOT, "%,d", n)).raw("</span></li>");
    }
    h.raw("</ul></div>");
    changes(h, cluster, now);
    h.raw("</section>");

    h.raw("<section aria-labelledby=\"trend-h\"><h2 id=\"trend-h\">Posture over 30 days</h2>"
        + "<figure class=\"trend\">");
    h.raw(Charts.trend(posture, "Posture score of " + cluster + " over the last 30 days",
        640, 200, 240));
    h.raw("</figure></section>");

    h.raw("<section aria-labelledby=\"fw-h\"><h2 id=\"fw-h\">Frameworks</h2>"
        + "<table class=\"frameworks\"><thead><tr><th scope=\"col\">Framework</th>"
        + "<th scope=\"col\">Score</th><th scope=\"col\">Trend (7 days)</th></tr></thead><tbody>");
    for (Framework f : library.frameworks()) {
      List<TrendPoint> t = store.trend(cluster, f.id(), now.minus(Duration.ofDays(7)),
          now.plusSeconds(1));
      TrendPoint fl = t.isEmpty() ? null : t.get(t.size() - 1);
      h.raw("<tr><th scope=\"row\"><a").attr("href", Html.url("/compliance/" + Html.enc(f.id()),
          Map.of("cluster", cluster))).raw(">").text(f.title()).raw("</a></th><td class=\"num\">")
          .text(fl == null || Double.isNaN(fl.score()) ? "—" : score(fl.score()))
          .raw("</td><td>").raw(Charts.trend(t, f.title() + " score over 7 days", 160, 32, 60))
          .raw("</td></tr>");
    }
    h.raw("</tbody></table></section>");

    h.raw("<div class=\"columns\">");
    Map<String, Long> byNs = store.countFindings(FindingQuery.all().cluster(cluster)
        .statuses(FindingStatus.OPEN), FindingQuery.GroupBy.NAMESPACE);
    h.raw("<section aria-labelledby=\"ns-h\"><h2 id=\"ns-h\">Most affected namespaces</h2>"
        + "<ol class=\"top\">");
    byNs.entrySet().stream().limit(10).forEach(e -> h.raw("<li><a").attr("href",
        Html.url("/findings", Map.of("cluster", cluster, "namespace", e.getKey().isEmpty()
            ? "(cluster)" : e.getKey()))).raw(">").text(ns(e.getKey())).raw("</a> <span class=\"n\">")
        .text(String.format(Locale.ROOT, "%,d", e.getValue())).raw("</span></li>"));
    h.raw("</ol></section>");

    h.raw("<section aria-labelledby=\"wl-h\"><h2 id=\"wl-h\">Most affected workloads</h2>"
        + "<ol class=\"top\">");
    for (Map.Entry<ResourceRef, int[]> e : worstResources(cluster)) {
      h.raw("<li><a").attr("href", resourceUrl(cluster, e.getKey())).raw(">")
          .text(resourceLabel(e.getKey())).raw("</a> <span class=\"n\">").text(e.getValue()[1])
          .raw("</span></li>");
    }
    h.raw("</ol><p class=\"hint\">Weighted by severity, among the ").text(String.format(
        Locale.ROOT, "%,d", FindingQuery.MAX_LIMIT)).raw(" most severe open findings.</p>"
        + "</section>");

    Map<String, Long> byControl = store.countFindings(FindingQuery.all().cluster(cluster)
        .statuses(FindingStatus.OPEN), FindingQuery.GroupBy.CONTROL);
    h.raw("<section aria-labelledby=\"ctl-h\"><h2 id=\"ctl-h\">Top failing controls</h2>"
        + "<ol class=\"top\">");
    byControl.entrySet().stream().limit(10).forEach(e -> {
      Control c = library.control(e.getKey());
      h.raw("<li><a").attr("href", Html.url("/findings", Map.of("cluster", cluster, "control",
          e.getKey()))).raw(">").text(c == null ? e.getKey() : c.title()).raw("</a> <span class=\"n\">")
          .text(String.format(Locale.ROOT, "%,d", e.getValue())).raw("</span></li>");
    });
    h.raw("</ol></section></div>");
    send(ctx, viewer, cluster, "Overview", h, "/");
  }

  private static String score(double s) {
    return String.format(Locale.ROOT, "%.1f", s);
  }

  /** New (or reopened) and resolved findings in the last day and week: event counts. */
  private void changes(Html h, String cluster, Instant now) {
    Instant to = now.plusSeconds(1);
    Instant dayAgo = now.minus(Duration.ofDays(1));
    // two disjoint ranges: each event is counted once
    Map<Transition, Long> day = store.countEvents(cluster, dayAgo, to);
    Map<Transition, Long> week = new java.util.EnumMap<>(store.countEvents(cluster,
        now.minus(Duration.ofDays(7)), dayAgo));
    day.forEach((t, n) -> week.merge(t, n, Long::sum));
    h.raw("<div class=\"card\"><h2>Changes</h2><table class=\"changes\"><thead><tr><td></td>"
        + "<th scope=\"col\">Last day</th><th scope=\"col\">Last week</th></tr></thead><tbody>"
        + "<tr><th scope=\"row\">New or reopened</th><td class=\"num\" id=\"new-day\">")
        .text(count(day.get(Transition.NEW) + day.get(Transition.REOPENED)))
        .raw("</td><td class=\"num\" id=\"new-week\">")
        .text(count(week.get(Transition.NEW) + week.get(Transition.REOPENED)))
        .raw("</td></tr><tr><th scope=\"row\">Resolved</th><td class=\"num\""
            + " id=\"resolved-day\">").text(count(day.get(Transition.RESOLVED)))
        .raw("</td><td class=\"num\" id=\"resolved-week\">")
        .text(count(week.get(Transition.RESOLVED))).raw("</td></tr></tbody></table></div>");
  }

  private static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Resources ranked by the severity weight of their open findings, among the worst 1000. */
  private List<Map.Entry<ResourceRef, int[]>> worstResources(String cluster) {
    Page<StoredFinding> worst = store.findings(FindingQuery.all().cluster(cluster)
        .statuses(FindingStatus.OPEN).page(0, FindingQuery.MAX_LIMIT));
    Map<ResourceRef, int[]> by = new HashMap<>();
    for (StoredFinding f : worst.items()) {
      int[] w = by.computeIfAbsent(f.resource(), k -> new int[2]);
      w[0] += f.severity().weight();
      w[1]++;
    }
    return by.entrySet().stream()
        .sorted(Map.Entry.<ResourceRef, int[]>comparingByValue(
            (a, b) -> Integer.compare(b[0], a[0]))
            .thenComparing(e -> resourceLabel(e.getKey())))
        .limit(10).toList();
  }

  // Findings

  /** The findings filter of a request, with the values as given (for the form). */
  private record Filter(String cluster, String namespace, String control, String severity,
      String status, String framework, String q, String sort, String order, String group) {
    Map<String, String> params() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("cluster", cluster);
      m.put("namespace", namespace);
      m.put("control", control);
      m.put("severity", severity);
      m.put("status", status);
      m.put("framework", framework);
      m.put("q", q);
      m.put("sort", sort);
      m.put("order", order);
      m.put("group", group);
      return m;
    }

    Map<String, String> with(String key, String value) {
      Map<String, String> m = params();
      m.put(key, value);
      return m;
    }
  }

  private static String param(Context ctx, String name) {
    String v = ctx.queryParam(name);
    return v == null ? "" : v.strip();
  }

  private static List<String> split(String v) {
    return v.isEmpty() ? List.of() : Arrays.stream(v.split(",")).map(String::strip)
        .filter(s -> !s.isEmpty()).toList();
  }

  private FindingQuery query(Filter f) {
    FindingQuery q = FindingQuery.all().cluster(f.cluster());
    List<String> namespaces = split(f.namespace()).stream()
        .map(n -> n.equals("(cluster)") ? "" : n).toList();
    q = q.namespaces(namespaces);
    List<String> controls = split(f.control());
    for (String c : controls) {
      if (library.control(c) == null) {
        throw new ApiError(400, "Unknown control '" + c + "'.", "control");
      }
    }
    q = q.controls(controls.toArray(String[]::new));
    List<Severity> severities = new ArrayList<>();
    for (String s : split(f.severity())) {
      try {
        severities.add(Severity.parse(s));
      } catch (IllegalArgumentException e) {
        throw new ApiError(400, e.getMessage(), "severity");
      }
    }
    q = q.severities(severities.toArray(Severity[]::new));
    List<FindingStatus> statuses = new ArrayList<>();
    if (f.status().equals("any")) {
      statuses.addAll(List.of(FindingStatus.values()));
    } else {
      for (String s : split(f.status().isEmpty() ? "open" : f.status())) {
        statuses.add(Request.enumValue("status", FindingStatus.class, s));
      }
    }
    q = q.statuses(statuses.toArray(FindingStatus[]::new));
    List<String> frameworks = split(f.framework());
    for (String fw : frameworks) {
      if (library.framework(fw) == null) {
        throw new ApiError(400, "Unknown framework '" + fw + "'.", "framework");
      }
    }
    q = q.frameworks(frameworks.toArray(String[]::new)).text(f.q());
    FindingQuery.Sort sort = f.sort().isEmpty() ? FindingQuery.Sort.SEVERITY
        : Request.enumValue("sort", FindingQuery.Sort.class, f.sort());
    if (!f.order().isEmpty() && !f.order().equals("asc") && !f.order().equals("desc")) {
      throw new ApiError(400, "order: expected asc or desc", "order");
    }
    return q.sort(sort, f.order().equals("desc"));
  }

  void findings(Context ctx, Dashboard.Viewer viewer) {
    String cluster = cluster(ctx);
    if (cluster == null) {
      noCluster(ctx, viewer, "Findings", "/findings");
      return;
    }
    Filter filter = new Filter(cluster, param(ctx, "namespace"), param(ctx, "control"),
        param(ctx, "severity"), param(ctx, "status"), param(ctx, "framework"), param(ctx, "q"),
        param(ctx, "sort"), param(ctx, "order"), param(ctx, "group"));
    if (!filter.group().isEmpty() && !GROUPS.contains(filter.group())) {
      throw new ApiError(400, "group: expected one of " + String.join(", ", GROUPS), "group");
    }
    FindingQuery query;
    try {
      query = query(filter);
    } catch (ApiError e) {
      throw new ApiError(400, e.getMessage(), e.parameter);
    }
    int offset;
    try {
      offset = Integer.parseInt(param(ctx, "offset").isEmpty() ? "0" : param(ctx, "offset"));
    } catch (NumberFormatException e) {
      throw new ApiError(400, "offset: not a number", "offset");
    }
    if (offset < 0) {
      throw new ApiError(400, "offset: must not be negative", "offset");
    }
    Html h = new Html();
    filterForm(h, filter);
    String group = filter.group();
    if (!group.isEmpty() && !group.equals("resource")) {
      groups(h, filter, query, group);
    } else {
      if (group.equals("resource")) {
        query = query.sort(FindingQuery.Sort.RESOURCE, filter.order().equals("desc"));
      }
      Page<StoredFinding> page = store.findings(query.page(offset, PAGE_SIZE));
      h.raw("<p class=\"summary\" id=\"findings-total\" aria-live=\"polite\">")
          .text(page.total() == 0 ? "No findings match." : String.format(Locale.ROOT,
              "%,d–%,d of %,d findings", offset + 1, offset + page.items().size(), page.total()))
          .raw("</p>");
      findingTable(h, page.items(), group.equals("resource"), true);
      pager(h, filter, page, offset);
    }
    send(ctx, viewer, cluster, "Findings", h, "/findings");
  }

  private void filterForm(Html h, Filter f) {
    h.raw("<form class=\"filters\" method=\"get\" action=\"/findings\" role=\"search\""
        + " aria-label=\"Filter findings\">");
    h.raw("<input type=\"hidden\" name=\"cluster\"").attr("value", f.cluster()).raw(">");
    h.raw("<div class=\"field wide\"><label for=\"f-q\">Search</label><input id=\"f-q\""
        + " name=\"q\" type=\"search\"").attr("value", f.q()).raw(" placeholder=\"words in"
        + " control, resource, message or path\"></div>");
    h.raw("<div class=\"field\"><label for=\"f-namespace\">Namespace</label><input"
        + " id=\"f-namespace\" name=\"namespace\"").attr("value", f.namespace())
        .raw(" placeholder=\"comma-separated\"></div>");
    select(h, "f-control", "control", "Control", f.control(), library.controls().stream()
        .map(c -> new String[] {c.id(), c.id()}).toList());
    select(h, "f-severity", "severity", "Severity", f.severity(), Arrays.stream(Severity.values())
        .map(s -> new String[] {s.label(), s.label()}).toList());
    List<String[]> statuses = new ArrayList<>();
    statuses.add(new String[] {"open", "open"});
    statuses.add(new String[] {"suppressed", "suppressed (exception)"});
    statuses.add(new String[] {"resolved", "resolved"});
    statuses.add(new String[] {"any", "any status"});
    selectNoAny(h, "f-status", "status", "Status", f.status().isEmpty() ? "open" : f.status(),
        statuses);
    select(h, "f-framework", "framework", "Framework", f.framework(), library.frameworks()
        .stream().map(fw -> new String[] {fw.id(), fw.title()}).toList());
    selectNoAny(h, "f-sort", "sort", "Sort by", f.sort().isEmpty() ? "severity" : f.sort(),
        List.of(new String[] {"severity", "severity"}, new String[] {"firstSeen", "first seen"},
            new String[] {"lastSeen", "last seen"}, new String[] {"control", "control"},
            new String[] {"resource", "resource"}));
    selectNoAny(h, "f-order", "order", "Order", f.order().isEmpty() ? "asc" : f.order(),
        List.of(new String[] {"asc", "ascending"}, new String[] {"desc", "descending"}));
    List<String[]> groups = new ArrayList<>();
    groups.add(new String[] {"", "no grouping"});
    GROUPS.forEach(g -> groups.add(new String[] {g, g}));
    selectNoAny(h, "f-group", "group", "Group by", f.group(), groups);
    h.raw("<div class=\"field actions\"><button type=\"submit\">Apply</button> <a href=\"")
        .text(Html.url("/findings", Map.of("cluster", f.cluster()))).raw("\">Reset</a></div>");
    h.raw("</form>");
  }

  private static void select(Html h, String id, String name, String label, String value,
      List<String[]> options) {
    List<String[]> all = new ArrayList<>();
    all.add(new String[] {"", "any"});
    all.addAll(options);
    selectNoAny(h, id, name, label, value, all);
  }

  private static void selectNoAny(Html h, String id, String name, String label, String value,
      List<String[]> options) {
    h.raw("<div class=\"field\"><label").attr("for", id).raw(">").text(label)
        .raw("</label><select").attr("id", id).attr("name", name).raw(">");
    boolean found = false;
    for (String[] o : options) {
      boolean selected = o[0].equalsIgnoreCase(value);
      found |= selected;
      h.raw("<option").attr("value", o[0]).raw(selected ? " selected>" : ">").text(o[1])
          .raw("</option>");
    }
    if (!found && !value.isEmpty()) {
      // a value the list does not offer (a comma list): keep it, so the form round-trips
      h.raw("<option").attr("value", value).raw(" selected>").text(value).raw("</option>");
    }
    h.raw("</select></div>");
  }

  private void findingTable(Html h, List<StoredFinding> items, boolean byResource,
      boolean withResource) {
    if (items.isEmpty()) {
      return;
    }
    h.raw("<div class=\"scroll\"><table class=\"findings\"><thead><tr>"
        + "<th scope=\"col\">Severity</th><th scope=\"col\">Control</th>");
    if (withResource) {
      h.raw("<th scope=\"col\">Resource</th>");
    }
    h.raw("<th scope=\"col\">Field</th><th scope=\"col\">Status</th>"
        + "<th scope=\"col\">Last seen</th></tr></thead><tbody>");
    ResourceRef previous = null;
    for (StoredFinding f : items) {
      if (byResource && !f.resource().equals(previous)) {
        h.raw("<tr class=\"group\"><th colspan=\"6\" scope=\"rowgroup\"><a").attr("href",
            resourceUrl(f.cluster(), f.resource())).raw(">").text(resourceLabel(f.resource()))
            .raw("</a></th></tr>");
        previous = f.resource();
      }
      h.raw("<tr><td>");
      sev(h, f.severity());
      h.raw("</td><td><a").attr("href", findingUrl(f)).raw(">").text(f.title())
          .raw("</a><div class=\"sub\">").text(f.controlId()).raw("</div></td>");
      if (withResource) {
        h.raw("<td><a").attr("href", resourceUrl(f.cluster(), f.resource())).raw(">")
            .text(resourceLabel(f.resource())).raw("</a></td>");
      }
      h.raw("<td><code>").text(f.path()).raw("</code></td><td>")
          .text(Request.lower(f.status())).raw("</td><td>").text(when(f.lastSeen()))
          .raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
  }

  private static void pager(Html h, Filter f, Page<StoredFinding> page, int offset) {
    if (page.total() <= PAGE_SIZE && offset == 0) {
      return;
    }
    h.raw("<nav class=\"pager\" aria-label=\"Pages\">");
    if (offset > 0) {
      h.link(Html.url("/findings", f.with("offset", "0")), "« First").raw(" ");
      h.raw("<a rel=\"prev\"").attr("href", Html.url("/findings", f.with("offset",
          String.valueOf(Math.max(0, offset - PAGE_SIZE))))).raw(">‹ Previous</a> ");
    }
    h.raw("<span>Page ").text(offset / PAGE_SIZE + 1).raw(" of ")
        .text((page.total() + PAGE_SIZE - 1) / PAGE_SIZE).raw("</span>");
    if (page.hasMore()) {
      h.raw(" <a rel=\"next\"").attr("href", Html.url("/findings", f.with("offset",
          String.valueOf(offset + PAGE_SIZE)))).raw(">Next ›</a>");
    }
    h.raw("</nav>");
  }

  private void groups(Html h, Filter f, FindingQuery query, String group) {
    Map<String, Long> counts = new LinkedHashMap<>();
    String param = group;
    if (group.equals("framework")) {
      for (Framework fw : library.frameworks()) {
        long n = store.countFindings(query.frameworks(fw.id()), FindingQuery.GroupBy.STATUS)
            .values().stream().mapToLong(Long::longValue).sum();
        if (n > 0) {
          counts.put(fw.id(), n);
        }
      }
    } else {
      FindingQuery.GroupBy by = FindingQuery.GroupBy.valueOf(group.toUpperCase(Locale.ROOT));
      store.countFindings(query, by).forEach((k, v) -> {
        if (v > 0) {
          counts.put(k, v);
        }
      });
    }
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    h.raw("<p class=\"summary\" id=\"findings-total\">").text(String.format(Locale.ROOT,
        "%,d groups", counts.size())).raw(group.equals("framework") ? " (a finding counts once"
        + " per framework of its control)" : "").raw("</p>");
    h.raw("<div class=\"scroll\"><table class=\"groups\"><thead><tr><th scope=\"col\">")
        .text(group).raw("</th><th scope=\"col\">Findings</th></tr></thead><tbody>");
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      String value = group.equals("namespace") && e.getKey().isEmpty() ? "(cluster)"
          : e.getKey();
      String label = switch (group) {
        case "namespace" -> ns(e.getKey());
        case "control" -> {
          Control c = library.control(e.getKey());
          yield c == null ? e.getKey() : c.title() + " (" + c.id() + ")";
        }
        case "framework" -> library.framework(e.getKey()).title();
        default -> e.getKey();
      };
      Map<String, String> link = f.with(param, value);
      link.put("group", "");
      if (group.equals("status")) {
        link.put("status", value);
      }
      h.raw("<tr><th scope=\"row\"><a").attr("href", Html.url("/findings", link)).raw(">")
          .text(label).raw("</a></th><td class=\"num\">").text(String.format(Locale.ROOT,
              "%,d", e.getValue())).raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    if (total == 0) {
      h.raw("<p>No findings match.</p>");
    }
  }

  // One finding

  void finding(Context ctx, Dashboard.Viewer viewer) {
    String cluster = cluster(ctx);
    String id = ctx.pathParam("id");
    StoredFinding f = cluster == null ? null : store.finding(cluster, id).orElse(null);
    if (f == null) {
      throw new ApiError(404, "No finding " + id + " in cluster " + cluster + ".", null);
    }
    Control c = library.control(f.controlId());
    Html h = new Html();
    h.raw("<p class=\"lead\">");
    sev(h, f.severity());
    h.raw(" <span class=\"status status-").text(Request.lower(f.status())).raw("\">")
        .text(Request.lower(f.status())).raw("</span> ").text(f.message()).raw("</p>");
    h.raw("<section aria-labelledby=\"ev-h\"><h2 id=\"ev-h\">Evidence</h2><dl class=\"facts\">");
    dt(h, "Resource").raw("<a").attr("href", resourceUrl(cluster, f.resource())).raw(">")
        .text(f.resource().apiVersion() + " " + resourceLabel(f.resource())).raw("</a></dd>");
    dt(h, "Control").raw("<a").attr("href", "/controls/" + Html.enc(f.controlId())).raw(">")
        .text(f.title()).raw("</a> (<code>").text(f.controlId()).raw("</code>, version ")
        .text(f.controlVersion()).raw(")</dd>");
    dt(h, "Field path").raw("<code id=\"evidence-path\">").text(f.path()).raw("</code></dd>");
    dt(h, "Value").raw("<code id=\"evidence-value\">").text(f.valueJson() == null
        ? "(not set)" : f.valueJson()).raw("</code></dd>");
    if (f.originFile() != null) {
      dt(h, "File").raw("<code>").text(f.originFile() + (f.line() > 0 ? ":" + f.line() : ""))
          .raw("</code></dd>");
    }
    if (f.resourceVersion() != null) {
      dt(h, "resourceVersion").raw("<code>").text(f.resourceVersion()).raw("</code></dd>");
    }
    dt(h, "First seen").text(when(f.firstSeen())).raw("</dd>");
    dt(h, "Last seen").text(when(f.lastSeen())).raw("</dd>");
    if (f.resolvedAt() != null) {
      dt(h, "Resolved").text(when(f.resolvedAt())).raw("</dd>");
    }
    if (f.reopenCount() > 0) {
      dt(h, "Reopened").text(f.reopenCount() + " times").raw("</dd>");
    }
    if (f.exceptionId() != null) {
      dt(h, "Exception").raw("<a").attr("href", "/exceptions/" + Html.enc(f.exceptionId()))
          .raw(">").text(f.exceptionId()).raw("</a></dd>");
    }
    if (!f.frameworks().isEmpty()) {
      dt(h, "Frameworks").text(String.join(", ", f.frameworks())).raw("</dd>");
    }
    dt(h, "Finding id").raw("<code>").text(f.id()).raw("</code></dd>");
    h.raw("</dl></section>");
    if (c != null) {
      h.raw("<section aria-labelledby=\"why-h\"><h2 id=\"why-h\">Why it matters</h2>");
      paragraphs(h, c.description());
      h.raw("</section>");
    }
    h.raw("<section aria-labelledby=\"fix-h\"><h2 id=\"fix-h\">How to fix it</h2>");
    paragraphs(h, f.remediation() != null ? f.remediation()
        : c != null && c.remediation() != null ? c.remediation().text() : null);
    patch(h, c);
    h.raw("</section>");
    List<FindingEvent> history = store.findingHistory(cluster, id);
    h.raw("<section aria-labelledby=\"hist-h\"><h2 id=\"hist-h\">History</h2>");
    events(h, history);
    h.raw("</section>");
    if (viewer.admin()) {
      h.raw("<section aria-labelledby=\"exc-h\"><h2 id=\"exc-h\">Accept the risk</h2>"
          + "<p>Create an exception: the monitor applies it at its next check, and the finding"
          + " becomes <em>suppressed</em>.</p>");
      ExceptionSpec draft = new ExceptionSpec(List.of(cluster), List.of(f.controlId()),
          List.of(f.resource().namespace().isEmpty() ? "*" : f.resource().namespace()),
          List.of(f.resource().kind()), List.of(f.resource().name()), Map.of(), "-",
          viewer.name(), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(30));
      exceptionForm(h, viewer, "/exceptions", draft, "", "Create exception");
      h.raw("</section>");
    }
    send(ctx, viewer, cluster, f.title(), h, "/findings");
  }

  private static Html dt(Html h, String term) {
    return h.raw("<dt>").text(term).raw("</dt><dd>");
  }

  private static void paragraphs(Html h, String text) {
    if (text == null || text.isBlank()) {
      h.raw("<p>—</p>");
      return;
    }
    for (String p : text.strip().split("\\n\\s*\\n")) {
      h.raw("<p>").text(p.strip()).raw("</p>");
    }
  }

  private void patch(Html h, Control c) {
    if (c == null || c.remediation() == null || c.remediation().patch().isEmpty()) {
      return;
    }
    List<Map<String, Object>> ops = new ArrayList<>();
    for (PatchOp op : c.remediation().patch()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("op", op.op());
      m.put("path", op.path().toPointer());
      if (op.value() != null) {
        m.put("value", op.value());
      }
      ops.add(m);
    }
    h.raw("<h3>JSON patch</h3><pre class=\"code\" id=\"patch\">")
        .text(json.writerWithDefaultPrettyPrinter().writeValueAsString(ops)).raw("</pre>");
    if (!c.remediation().safe()) {
      h.raw("<p class=\"hint\">Review before applying: this patch may change how the workload"
          + " runs.</p>");
    }
  }

  private static void events(Html h, List<FindingEvent> history) {
    if (history.isEmpty()) {
      h.raw("<p>No events.</p>");
      return;
    }
    h.raw("<div class=\"scroll\"><table class=\"events\"><thead><tr><th scope=\"col\">When</th>"
        + "<th scope=\"col\">Change</th><th scope=\"col\">Status after</th>"
        + "<th scope=\"col\">Exception</th></tr></thead><tbody>");
    for (FindingEvent e : history) {
      h.raw("<tr><td>").text(when(e.at())).raw("</td><td>").text(Request.lower(e.transition()))
          .raw("</td><td>").text(Request.lower(e.status())).raw("</td><td>")
          .text(e.exceptionId() == null ? "" : e.exceptionId()).raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
  }

  // Resources

  void resource(Context ctx, Dashboard.Viewer viewer) {
    String cluster = cluster(ctx);
    String kind = ctx.pathParam("kind");
    String namespace = ctx.pathParam("namespace").equals("_") ? "" : ctx.pathParam("namespace");
    String name = ctx.pathParam("name");
    String apiVersion = ctx.queryParam("apiVersion");
    if (apiVersion == null || apiVersion.isBlank()) {
      throw new ApiError(400, "apiVersion: required (links from the findings carry it)",
          "apiVersion");
    }
    ResourceRef ref = new ResourceRef(apiVersion, kind, namespace, name);
    ResourceHistory history = cluster == null ? null : store.resourceHistory(cluster, ref);
    if (history == null || history.findings().isEmpty()) {
      throw new ApiError(404, "No findings of " + resourceLabel(ref) + " in cluster " + cluster
          + ".", null);
    }
    Html h = new Html();
    h.raw("<p class=\"lead\">").text(apiVersion).raw(" · cluster ").text(cluster).raw("</p>");
    h.raw("<section aria-labelledby=\"rf-h\"><h2 id=\"rf-h\">Findings (every status)</h2>");
    findingTable(h, history.findings(), false, false);
    h.raw("</section><section aria-labelledby=\"rh-h\"><h2 id=\"rh-h\">History</h2>");
    Map<String, String> titles = history.findings().stream().collect(Collectors.toMap(
        StoredFinding::id, StoredFinding::title, (a, b) -> a));
    if (history.events().isEmpty()) {
      h.raw("<p>No events.</p>");
    } else {
      h.raw("<div class=\"scroll\"><table class=\"events\"><thead><tr><th scope=\"col\">When"
          + "</th><th scope=\"col\">Finding</th><th scope=\"col\">Change</th></tr></thead><tbody>");
      for (FindingEvent e : history.events()) {
        h.raw("<tr><td>").text(when(e.at())).raw("</td><td><a").attr("href", Html.url(
            "/findings/" + Html.enc(e.findingId()), Map.of("cluster", cluster))).raw(">")
            .text(titles.getOrDefault(e.findingId(), e.findingId())).raw("</a></td><td>")
            .text(Request.lower(e.transition())).raw("</td></tr>");
      }
      h.raw("</tbody></table></div>");
    }
    h.raw("</section>");
    send(ctx, viewer, cluster, resourceLabel(ref), h, "/findings");
  }

  // Compliance

  void complianceIndex(Context ctx, Dashboard.Viewer viewer) {
    String cluster = cluster(ctx);
    Html h = new Html();
    h.raw("<div class=\"scroll\"><table class=\"frameworks\"><thead><tr><th scope=\"col\">"
        + "Framework</th><th scope=\"col\">Version</th><th scope=\"col\">Requirements</th>"
        + "<th scope=\"col\">Score</th></tr></thead><tbody>");
    for (Framework f : library.frameworks()) {
      Double s = api.latestScore(cluster, f.id());
      h.raw("<tr><th scope=\"row\"><a").attr("href", Html.url("/compliance/"
          + Html.enc(f.id()), Map.of("cluster", cluster == null ? "" : cluster))).raw(">")
          .text(f.title()).raw("</a></th><td>").text(f.version()).raw("</td><td class=\"num\">")
          .text(f.requirements().size()).raw("</td><td class=\"num\">")
          .text(s == null ? "—" : score(s)).raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    send(ctx, viewer, cluster, "Compliance", h, "/compliance");
  }

  @SuppressWarnings("unchecked")
  void compliance(Context ctx, Dashboard.Viewer viewer) {
    String cluster = cluster(ctx);
    String id = ctx.pathParam("framework");
    Map<String, Object> c;
    try {
      c = api.compliance(id, cluster);
    } catch (ApiError e) {
      throw new ApiError(e.status, "No framework '" + id + "'.", null);
    }
    Framework framework = library.framework(id);
    Html h = new Html();
    h.raw("<p class=\"lead\">").text(framework.description()).raw("</p>");
    h.raw("<div class=\"cards\"><div class=\"card\"><h2>Score</h2><p class=\"big\">")
        .text(c.get("score") == null ? "—" : score((Double) c.get("score")))
        .raw("</p></div><div class=\"card\"><h2>Requirements</h2><ul class=\"plain\">");
    ((Map<String, Integer>) c.get("counts")).forEach((k, v) -> h.raw("<li><span class=\"req "
        + "req-" + k + "\">").text(k.replace('_', ' ')).raw("</span> ").text(v).raw("</li>"));
    h.raw("</ul></div><div class=\"card\"><h2>Report</h2><p>Download:</p><ul class=\"plain"
        + " downloads\">");
    for (String format : List.of("html", "pdf", "csv", "json")) {
      h.raw("<li><a class=\"button\" download").attr("href", Html.url("/api/v1/reports/"
          + Html.enc(id), linked("format", format, "cluster", cluster))).raw(">")
          .text(format.toUpperCase(Locale.ROOT) + " report").raw("</a></li>");
    }
    h.raw("</ul></div></div>");
    if (!(Boolean) c.get("failingResourcesExact")) {
      h.raw("<p class=\"hint\">Failing resources are counted from the first ")
          .text(Api.COMPLIANCE_SCAN_LIMIT).raw(" open findings: lower bounds.</p>");
    }
    h.raw("<div class=\"scroll\"><table class=\"requirements\"><thead><tr><th scope=\"col\">"
        + "Requirement</th><th scope=\"col\">Status</th><th scope=\"col\">Open findings</th>"
        + "<th scope=\"col\">Failing resources</th><th scope=\"col\">Suppressed</th>"
        + "</tr></thead><tbody>");
    for (Map<String, Object> r : (List<Map<String, Object>>) c.get("requirements")) {
      String status = (String) r.get("status");
      List<String> controls = (List<String>) r.get("controls");
      h.raw("<tr><th scope=\"row\"><span class=\"rid\">").text(r.get("id")).raw("</span> ")
          .text(r.get("title"));
      if (!controls.isEmpty()) {
        h.raw("<div class=\"sub\">");
        for (int i = 0; i < controls.size(); i++) {
          h.raw(i == 0 ? "" : ", ").link("/controls/" + Html.enc(controls.get(i)),
              controls.get(i));
        }
        h.raw("</div>");
      }
      if (r.get("procedure") != null) {
        h.raw("<details><summary>How to check by hand</summary><p>").text(r.get("procedure"))
            .raw("</p></details>");
      }
      h.raw("</th><td><span class=\"req req-" + status + "\">").text(status.replace('_', ' '))
          .raw("</span></td><td class=\"num\">");
      long open = ((Number) r.get("openFindings")).longValue();
      if (open > 0 && cluster != null) {
        h.link(Html.url("/findings", linked("cluster", cluster, "control",
            String.join(",", controls))), String.format(Locale.ROOT, "%,d", open));
      } else {
        h.text(open);
      }
      h.raw("</td><td class=\"num\">").text(r.get("failingResources")).raw("</td><td"
          + " class=\"num\">").text(r.get("suppressedFindings")).raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    List<Map<String, Object>> exceptions = (List<Map<String, Object>>) c.get("exceptions");
    h.raw("<section aria-labelledby=\"cx-h\"><h2 id=\"cx-h\">Exceptions touching this framework"
        + "</h2>");
    if (exceptions.isEmpty()) {
      h.raw("<p>None.</p>");
    } else {
      h.raw("<ul>");
      for (Map<String, Object> e : exceptions) {
        h.raw("<li><a").attr("href", "/exceptions/" + Html.enc((String) e.get("id"))).raw(">")
            .text(e.get("id")).raw("</a>: ").text(e.get("reason")).raw(" (").text(e.get("owner"))
            .raw(", until ").text(e.get("expires")).raw(")</li>");
      }
      h.raw("</ul>");
    }
    h.raw("</section>");
    send(ctx, viewer, cluster, framework.title(), h, "/compliance");
  }

  private static Map<String, String> linked(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  // Controls

  void controls(Context ctx, Dashboard.Viewer viewer) {
    String q = param(ctx, "q").toLowerCase(Locale.ROOT);
    String framework = param(ctx, "framework");
    String severity = param(ctx, "severity");
    if (!framework.isEmpty() && library.framework(framework) == null) {
      throw new ApiError(400, "Unknown framework '" + framework + "'.", "framework");
    }
    Severity sev = null;
    if (!severity.isEmpty()) {
      try {
        sev = Severity.parse(severity);
      } catch (IllegalArgumentException e) {
        throw new ApiError(400, e.getMessage(), "severity");
      }
    }
    Html h = new Html();
    h.raw("<form class=\"filters\" method=\"get\" action=\"/controls\" role=\"search\""
        + " aria-label=\"Search controls\"><div class=\"field wide\"><label for=\"c-q\">Search"
        + "</label><input id=\"c-q\" type=\"search\" name=\"q\"").attr("value", param(ctx, "q"))
        .raw("></div>");
    select(h, "c-framework", "framework", "Framework", framework, library.frameworks().stream()
        .map(f -> new String[] {f.id(), f.title()}).toList());
    select(h, "c-severity", "severity", "Severity", severity, Arrays.stream(Severity.values())
        .map(s -> new String[] {s.label(), s.label()}).toList());
    h.raw("<div class=\"field actions\"><button type=\"submit\">Search</button></div></form>");
    List<Control> shown = new ArrayList<>();
    for (Control c : library.controls()) {
      if (!framework.isEmpty() && !c.frameworks().containsKey(framework)) {
        continue;
      }
      if (sev != null && c.severity() != sev) {
        continue;
      }
      String hay = (c.id() + " " + c.title() + " " + c.category() + " " + c.description())
          .toLowerCase(Locale.ROOT);
      if (!q.isEmpty() && !Arrays.stream(q.split("\\s+")).allMatch(hay::contains)) {
        continue;
      }
      shown.add(c);
    }
    h.raw("<p class=\"summary\">").text(shown.size() + " of " + library.controls().size()
        + " controls").raw("</p><div class=\"scroll\"><table class=\"controls\"><thead><tr>"
        + "<th scope=\"col\">Control</th><th scope=\"col\">Severity</th>"
        + "<th scope=\"col\">Frameworks</th></tr></thead><tbody>");
    for (Control c : shown) {
      h.raw("<tr><th scope=\"row\"><a").attr("href", "/controls/" + Html.enc(c.id())).raw(">")
          .text(c.title()).raw("</a><div class=\"sub\">").text(c.id()).raw("</div></th><td>");
      sev(h, c.severity());
      h.raw("</td><td>").text(String.join(", ", new java.util.TreeSet<>(c.frameworks()
          .keySet()))).raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    send(ctx, viewer, null, "Controls", h, "/controls");
  }

  void control(Context ctx, Dashboard.Viewer viewer) {
    String id = ctx.pathParam("id");
    Control c = library.control(id);
    if (c == null) {
      throw new ApiError(404, "No control '" + id + "'.", null);
    }
    Html h = new Html();
    h.raw("<p class=\"lead\">");
    sev(h, c.severity());
    h.raw(" <code>").text(c.id()).raw("</code> · version ").text(c.version()).raw(" · ")
        .text(c.category()).raw("</p>");
    paragraphs(h, c.description());
    h.raw("<dl class=\"facts\">");
    dt(h, "Judges").text(String.join(", ", new java.util.TreeSet<>(c.kinds()))).raw("</dd>");
    dt(h, "Frameworks").raw("<ul class=\"plain\">");
    new java.util.TreeMap<>(c.frameworks()).forEach((fw, reqs) -> {
      Framework f = library.framework(fw);
      h.raw("<li>").text(f == null ? fw : f.title()).raw(": ").text(String.join(", ", reqs))
          .raw("</li>");
    });
    h.raw("</ul></dd>");
    if (!c.references().isEmpty()) {
      dt(h, "References").raw("<ul class=\"plain\">");
      for (String r : c.references()) {
        h.raw("<li>").text(r).raw("</li>");
      }
      h.raw("</ul></dd>");
    }
    h.raw("</dl>");
    h.raw("<section aria-labelledby=\"fix-h\"><h2 id=\"fix-h\">Remediation</h2>");
    paragraphs(h, c.remediation() == null ? null : c.remediation().text());
    patch(h, c);
    h.raw("</section>");
    h.raw("<section aria-labelledby=\"ex-h\"><h2 id=\"ex-h\">Examples</h2>");
    fixtures(h, c);
    h.raw("</section>");
    send(ctx, viewer, null, c.title(), h, "/controls");
  }

  /** The control's own fixtures, as packaged beside it ({@code tests/*.yaml}). */
  private static void fixtures(Html h, Control c) {
    List<Path> files = new ArrayList<>();
    if (c.folder() != null) {
      try (var list = Files.list(c.folder().resolve("tests"))) {
        list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted()
            .forEach(files::add);
      } catch (java.io.IOException | RuntimeException e) {
        // no fixtures to show
      }
    }
    if (files.isEmpty()) {
      h.raw("<p>No examples packaged.</p>");
      return;
    }
    for (Path p : files) {
      String name = p.getFileName().toString();
      String kind = name.startsWith("pass") ? "passes" : name.startsWith("fail") ? "fails"
          : name.startsWith("fixed") ? "after the fix" : "example";
      String body;
      try {
        body = Files.readString(p);
      } catch (java.io.IOException e) {
        continue;
      }
      if (body.length() > 20_000) {
        body = body.substring(0, 20_000) + "\n…";
      }
      h.raw("<details class=\"fixture\"><summary><span class=\"ex ex-" + kind.charAt(0) + "\">")
          .text(kind).raw("</span> ").text(name).raw("</summary><pre class=\"code\">")
          .text(body).raw("</pre></details>");
    }
  }

  // Exceptions

  void exceptions(Context ctx, Dashboard.Viewer viewer) {
    String cluster = cluster(ctx);
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    Html h = new Html();
    if (ctx.queryParam("expired") != null) {
      h.raw("<p class=\"notice\" role=\"status\">Exception ").text(ctx.queryParam("expired"))
          .raw(" has ended.</p>");
    }
    List<StoredException> all = store.exceptions();
    h.raw("<div class=\"scroll\"><table class=\"exceptions\"><thead><tr><th scope=\"col\">"
        + "Exception</th><th scope=\"col\">Controls</th><th scope=\"col\">Scope</th>"
        + "<th scope=\"col\">Owner</th><th scope=\"col\">Expires</th></tr></thead><tbody>");
    for (StoredException e : all) {
      long days = java.time.temporal.ChronoUnit.DAYS.between(today, e.spec().expires());
      String state = days < 0 ? "expired" : days <= EXPIRING_SOON_DAYS ? "soon" : "active";
      h.raw("<tr class=\"exc-" + state + "\"><th scope=\"row\"><a").attr("href",
          "/exceptions/" + Html.enc(e.id())).raw(">").text(e.id()).raw("</a><div class=\"sub\">")
          .text(e.spec().reason()).raw("</div></th><td>").text(String.join(", ",
              e.spec().controls())).raw("</td><td>").text(scope(e.spec())).raw("</td><td>")
          .text(e.spec().owner()).raw("</td><td><span class=\"exp exp-" + state + "\">")
          .text(e.spec().expires()).raw(" (").text(switch (state) {
            case "expired" -> "expired";
            case "soon" -> days == 0 ? "ends today" : "ends in " + days + " day"
                + (days == 1 ? "" : "s");
            default -> "active";
          }).raw(")</span></td></tr>");
    }
    h.raw("</tbody></table></div>");
    if (all.isEmpty()) {
      h.raw("<p>No exceptions.</p>");
    }
    if (viewer.admin()) {
      h.raw("<section aria-labelledby=\"new-h\"><h2 id=\"new-h\">New exception</h2>");
      exceptionForm(h, viewer, "/exceptions", null, "", "Create exception");
      h.raw("</section>");
    }
    h.raw("<section aria-labelledby=\"au-h\"><h2 id=\"au-h\">Audit trail</h2>");
    List<AuditEntry> audit = store.exceptionAudit(null);
    audit(h, audit.subList(Math.max(0, audit.size() - 100), audit.size()));
    h.raw("</section>");
    send(ctx, viewer, cluster, "Exceptions", h, "/exceptions");
  }

  private static String scope(ExceptionSpec s) {
    List<String> parts = new ArrayList<>();
    parts.add(s.clusters().isEmpty() ? "every cluster" : "clusters " + String.join(", ",
        s.clusters()));
    if (!s.namespaces().isEmpty()) {
      parts.add("namespaces " + String.join(", ", s.namespaces()));
    }
    if (!s.kinds().isEmpty()) {
      parts.add("kinds " + String.join(", ", s.kinds()));
    }
    if (!s.names().isEmpty()) {
      parts.add("names " + String.join(", ", s.names()));
    }
    if (!s.labels().isEmpty()) {
      parts.add("labels " + s.labels().entrySet().stream().map(e -> e.getKey() + "="
          + e.getValue()).collect(Collectors.joining(", ")));
    }
    return String.join("; ", parts);
  }

  private static void audit(Html h, List<AuditEntry> entries) {
    if (entries.isEmpty()) {
      h.raw("<p>No changes yet.</p>");
      return;
    }
    h.raw("<div class=\"scroll\"><table class=\"audit\"><thead><tr><th scope=\"col\">When</th>"
        + "<th scope=\"col\">Exception</th><th scope=\"col\">Action</th><th scope=\"col\">By"
        + "</th></tr></thead><tbody>");
    for (int i = entries.size() - 1; i >= 0; i--) {
      AuditEntry a = entries.get(i);
      h.raw("<tr><td>").text(when(a.at())).raw("</td><td><a").attr("href", "/exceptions/"
          + Html.enc(a.exceptionId())).raw(">").text(a.exceptionId()).raw("</a></td><td>")
          .text(a.action().toLowerCase(Locale.ROOT)).raw("</td><td>").text(a.actor())
          .raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
  }

  private void exceptionForm(Html h, Dashboard.Viewer viewer, String action, ExceptionSpec s,
      String problem, String button) {
    h.raw("<form class=\"exception\" method=\"post\"").attr("action", action).raw(">");
    csrf(h, viewer);
    if (!problem.isEmpty()) {
      h.raw("<p class=\"error\" role=\"alert\">").text(problem).raw("</p>");
    }
    textField(h, "e-controls", "controls", "Controls (ids, comma-separated, or *)",
        s == null ? "" : String.join(", ", s.controls()), true);
    textField(h, "e-clusters", "clusters", "Clusters (empty: every cluster)",
        s == null ? "" : String.join(", ", s.clusters()), false);
    textField(h, "e-namespaces", "namespaces", "Namespaces (globs; empty: any)",
        s == null ? "" : String.join(", ", s.namespaces()), false);
    textField(h, "e-kinds", "kinds", "Kinds (empty: any)",
        s == null ? "" : String.join(", ", s.kinds()), false);
    textField(h, "e-names", "names", "Resource names (globs; empty: any)",
        s == null ? "" : String.join(", ", s.names()), false);
    textField(h, "e-labels", "labels", "Labels (key=value, comma-separated)",
        s == null ? "" : s.labels().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(", ")), false);
    h.raw("<div class=\"field wide\"><label for=\"e-reason\">Reason</label><textarea"
        + " id=\"e-reason\" name=\"reason\" rows=\"3\" required>").text(s == null
        || s.reason().equals("-") ? "" : s.reason()).raw("</textarea></div>");
    textField(h, "e-owner", "owner", "Owner", s == null ? viewer.name() : s.owner(), true);
    h.raw("<div class=\"field\"><label for=\"e-expires\">Expires (last day, UTC)</label><input"
        + " id=\"e-expires\" name=\"expires\" type=\"date\" required").attr("value", s == null
        ? LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(30) : s.expires())
        .raw("></div><div class=\"field actions\"><button type=\"submit\">").text(button)
        .raw("</button></div></form>");
  }

  private static void textField(Html h, String id, String name, String label, String value,
      boolean required) {
    h.raw("<div class=\"field\"><label").attr("for", id).raw(">").text(label).raw("</label><input")
        .attr("id", id).attr("name", name).attr("value", value).raw(required ? " required>" : ">")
        .raw("</div>");
  }

  void exception(Context ctx, Dashboard.Viewer viewer) {
    String id = ctx.pathParam("id");
    String cluster = cluster(ctx);
    StoredException e = store.exception(id).orElse(null);
    List<AuditEntry> trail = store.exceptionAudit(id);
    if (e == null && trail.isEmpty()) {
      throw new ApiError(404, "No exception '" + id + "'.", null);
    }
    Html h = new Html();
    if (ctx.queryParam("saved") != null) {
      h.raw("<p class=\"notice\" role=\"status\">Saved. The monitor applies it at its next"
          + " check.</p>");
    }
    if (e == null) {
      h.raw("<p>This exception was deleted; its audit trail remains.</p>");
    } else {
      exceptionDetails(h, e);
      if (viewer.admin()) {
        h.raw("<section aria-labelledby=\"ed-h\"><h2 id=\"ed-h\">Edit</h2>");
        exceptionForm(h, viewer, "/exceptions/" + Html.enc(id), e.spec(), "", "Save changes");
        h.raw("</section>");
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (e.activeOn(today)) {
          h.raw("<form method=\"post\" class=\"expire\"").attr("action", "/exceptions/"
              + Html.enc(id) + "/expire").raw(">");
          csrf(h, viewer);
          h.raw("<button type=\"submit\" class=\"danger\">End this exception now</button>"
              + "</form>");
        }
      }
    }
    h.raw("<section aria-labelledby=\"au-h\"><h2 id=\"au-h\">Audit trail</h2>");
    audit(h, trail);
    h.raw("</section>");
    send(ctx, viewer, cluster, "Exception " + id, h, "/exceptions");
  }

  private void exceptionDetails(Html h, StoredException e) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    h.raw("<dl class=\"facts\">");
    dt(h, "Controls").text(String.join(", ", e.spec().controls())).raw("</dd>");
    dt(h, "Scope").text(scope(e.spec())).raw("</dd>");
    dt(h, "Reason").text(e.spec().reason()).raw("</dd>");
    dt(h, "Owner").text(e.spec().owner()).raw("</dd>");
    dt(h, "Expires").text(e.spec().expires() + (e.activeOn(today) ? "" : " (expired)"))
        .raw("</dd>");
    dt(h, "Created").text(when(e.createdAt()) + " by " + e.createdBy()).raw("</dd>");
    dt(h, "Last changed").text(when(e.updatedAt()) + " by " + e.updatedBy() + " (revision "
        + e.revision() + ")").raw("</dd>");
    h.raw("</dl>");
  }

  /** The form's exception; null after rendering the form again with the problem (400). */
  private ExceptionSpec formSpec(Context ctx, Dashboard.Viewer viewer, String action,
      String button) {
    String problem = null;
    ExceptionSpec spec = null;
    List<String> controls = split(form(ctx, "controls"));
    for (String c : controls) {
      if (!c.equals("*") && library.control(c) == null) {
        problem = "controls: unknown control '" + c + "'";
      }
    }
    LocalDate expires = null;
    try {
      expires = LocalDate.parse(form(ctx, "expires"));
    } catch (DateTimeParseException e) {
      problem = problem != null ? problem : "expires: not a date (expected 2026-12-31)";
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (String kv : split(form(ctx, "labels"))) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        problem = problem != null ? problem : "labels: expected key=value: " + kv;
      } else {
        labels.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
      }
    }
    if (problem == null) {
      try {
        spec = new ExceptionSpec(split(form(ctx, "clusters")), controls,
            split(form(ctx, "namespaces")), split(form(ctx, "kinds")), split(form(ctx, "names")),
            labels, form(ctx, "reason"), form(ctx, "owner"), expires);
      } catch (IllegalArgumentException | NullPointerException e) {
        problem = e.getMessage();
      }
    }
    if (spec != null) {
      return spec;
    }
    Html h = new Html();
    ExceptionSpec echo = null;
    try {
      echo = new ExceptionSpec(split(form(ctx, "clusters")), controls.isEmpty() ? List.of("*")
          : controls, split(form(ctx, "namespaces")), split(form(ctx, "kinds")),
          split(form(ctx, "names")), Map.of(), blankTo(form(ctx, "reason")),
          blankTo(form(ctx, "owner")), expires == null ? LocalDate.ofInstant(clock.instant(),
              ZoneOffset.UTC).plusDays(30) : expires);
    } catch (IllegalArgumentException e) {
      // the form comes back empty
    }
    exceptionForm(h, viewer, action, echo, problem, button);
    ctx.status(400);
    send(ctx, viewer, null, "Exception not saved", h, "/exceptions");
    return null;
  }

  private static String blankTo(String s) {
    return s.isBlank() ? "-" : s;
  }

  private static String form(Context ctx, String name) {
    String v = ctx.formParam(name);
    return v == null ? "" : v.strip();
  }

  void createException(Context ctx, Dashboard.Viewer viewer) {
    ExceptionSpec spec = formSpec(ctx, viewer, "/exceptions", "Create exception");
    if (spec == null) {
      return;
    }
    StoredException e = store.createException(spec, viewer.name(), clock.instant());
    ctx.redirect("/exceptions/" + Html.enc(e.id()) + "?saved=1",
        io.javalin.http.HttpStatus.SEE_OTHER);
  }

  void updateException(Context ctx, Dashboard.Viewer viewer) {
    String id = ctx.pathParam("id");
    if (store.exception(id).isEmpty()) {
      throw new ApiError(404, "No exception '" + id + "'.", null);
    }
    ExceptionSpec spec = formSpec(ctx, viewer, "/exceptions/" + Html.enc(id), "Save changes");
    if (spec == null) {
      return;
    }
    try {
      store.updateException(id, spec, viewer.name(), clock.instant());
    } catch (NoSuchElementException e) {
      throw new ApiError(404, "No exception '" + id + "'.", null);
    }
    ctx.redirect("/exceptions/" + Html.enc(id) + "?saved=1", io.javalin.http.HttpStatus.SEE_OTHER);
  }

  void expireException(Context ctx, Dashboard.Viewer viewer) {
    String id = ctx.pathParam("id");
    try {
      store.expireException(id, viewer.name(), clock.instant());
    } catch (NoSuchElementException e) {
      throw new ApiError(404, "No exception '" + id + "'.", null);
    }
    ctx.redirect(Html.url("/exceptions", Map.of("expired", id)),
        io.javalin.http.HttpStatus.SEE_OTHER);
  }

  // Alerts

  void alerts(Context ctx, Dashboard.Viewer viewer) {
    String cluster = cluster(ctx);
    String sink = param(ctx, "sink");
    String stateText = param(ctx, "state");
    Alert.State state = stateText.isEmpty() ? null
        : Request.enumValue("state", Alert.State.class, stateText);
    Html h = new Html();
    Map<Alert.State, Long> counts = store.alertCounts(sink.isEmpty() ? null : sink);
    h.raw("<ul class=\"plain counts\">");
    for (Alert.State s : Alert.State.values()) {
      h.raw("<li><a").attr("href", Html.url("/alerts", linked("cluster", cluster == null ? ""
          : cluster, "sink", sink, "state", Request.lower(s)))).raw(">")
          .text(Request.lower(s)).raw("</a> <span class=\"n\">")
          .text(counts.getOrDefault(s, 0L)).raw("</span></li>");
    }
    h.raw("</ul>");
    h.raw("<form class=\"filters\" method=\"get\" action=\"/alerts\" aria-label=\"Filter alerts\">");
    if (cluster != null) {
      h.raw("<input type=\"hidden\" name=\"cluster\"").attr("value", cluster).raw(">");
    }
    h.raw("<div class=\"field\"><label for=\"a-sink\">Sink</label><input id=\"a-sink\""
        + " name=\"sink\"").attr("value", sink).raw("></div>");
    select(h, "a-state", "state", "State", stateText, Arrays.stream(Alert.State.values())
        .map(s -> new String[] {Request.lower(s), Request.lower(s)}).toList());
    h.raw("<div class=\"field actions\"><button type=\"submit\">Apply</button></div></form>");
    List<Alert> alerts = store.alerts(sink.isEmpty() ? null : sink, state, 200);
    if (alerts.isEmpty()) {
      h.raw("<p>No alerts.</p>");
    } else {
      h.raw("<div class=\"scroll\"><table class=\"alerts\"><thead><tr><th scope=\"col\">Queued"
          + "</th><th scope=\"col\">Sink</th><th scope=\"col\">Finding</th><th scope=\"col\">"
          + "Change</th><th scope=\"col\">State</th><th scope=\"col\">Attempts</th>"
          + "<th scope=\"col\">Delivered / next try</th><th scope=\"col\">Last error</th>"
          + "</tr></thead><tbody>");
      for (Alert a : alerts) {
        h.raw("<tr><td>").text(when(a.createdAt())).raw("</td><td>").text(a.event().sink())
            .raw("</td><td><a").attr("href", Html.url("/findings/"
                + Html.enc(a.event().findingId()), Map.of("cluster", a.event().cluster())))
            .raw(">").text(a.event().cluster() + " · " + a.event().findingId()).raw("</a></td><td>")
            .text(Request.lower(a.event().transition())).raw("</td><td><span class=\"st st-"
                + Request.lower(a.state()) + "\">").text(Request.lower(a.state()))
            .raw("</span></td><td class=\"num\">").text(a.attempts()).raw("</td><td>")
            .text(a.deliveredAt() != null ? when(a.deliveredAt())
                : a.state() == Alert.State.DEAD ? "gave up" : when(a.nextAttemptAt()))
            .raw("</td><td>").text(a.lastError() == null ? "" : a.lastError())
            .raw("</td></tr>");
      }
      h.raw("</tbody></table></div>");
    }
    send(ctx, viewer, cluster, "Alerts", h, "/alerts");
  }
}
