package dev.plumbline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.store.AlertEvent;
import dev.plumbline.store.ExceptionSpec;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoredException;
import dev.plumbline.store.Transition;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's pages as HTML, over real HTTP, with sign-in, CSRF and escaping. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardTest {
  @TempDir
  static Path dir;

  Store store;
  ApiServer server;
  ApiServer demoServer;
  String base;
  String demoBase;
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .build();

  @BeforeAll
  void start() {
    store = Store.embedded(dir);
    DashboardSeed.seed(store);
    Clock clock = Clock.fixed(DashboardSeed.NOW, ZoneOffset.UTC);
    server = ApiServer.start(ApiContract.settings(false), store, Seed.LIBRARY,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, clock);
    demoServer = ApiServer.start(ApiContract.settings(true), store, Seed.LIBRARY,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, clock);
    base = "http://127.0.0.1:" + server.port();
    demoBase = "http://127.0.0.1:" + demoServer.port();
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (demoServer != null) {
      demoServer.close();
    }
    if (store != null) {
      store.close();
    }
  }

  // HTTP helpers

  HttpResponse<String> get(String url, String cookie) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return send(b);
  }

  HttpResponse<String> post(String url, String cookie, Map<String, String> form) {
    String body = form.entrySet().stream().map(e -> Html.enc(e.getKey()) + "="
        + Html.enc(e.getValue())).collect(Collectors.joining("&"));
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return send(b);
  }

  private HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).doesNotContain("\tat ");
      return r;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Signs in; returns the Cookie header value. */
  String signIn(String token) {
    HttpResponse<String> r = post(base + "/signin", null, Map.of("token", token, "next", "/"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  Document page(String path, String cookie) {
    HttpResponse<String> r = get(base + path, cookie);
    assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'none'");
    return Jsoup.parse(r.body(), base);
  }

  String viewer() {
    return signIn(ApiContract.VIEWER);
  }

  String admin() {
    return signIn(ApiContract.ADMIN);
  }

  static String csrf(Document d) {
    return d.selectFirst("input[name=csrf]").attr("value");
  }

  // Sign-in

  @Test
  void pagesNeedSignInOutsideDemoMode() {
    HttpResponse<String> r = get(base + "/findings?cluster=prod", null);
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(r.headers().firstValue("Location").orElse(""))
        .isEqualTo("/signin?next=%2Ffindings%3Fcluster%3Dprod");
    Document form = page("/signin", null);
    Element token = form.selectFirst("input#token");
    assertThat(token.attr("type")).isEqualTo("password");
    assertThat(form.selectFirst("label[for=token]")).isNotNull();
  }

  @Test
  void signInRefusesAWrongTokenAndSetsAStrictHttpOnlyCookie() {
    HttpResponse<String> bad = post(base + "/signin", null, Map.of("token", "nope-nope-nope"));
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(bad.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(Jsoup.parse(bad.body()).selectFirst("[role=alert]").text())
        .contains("not valid");

    HttpResponse<String> ok = post(base + "/signin", null,
        Map.of("token", ApiContract.VIEWER, "next", "/findings?cluster=prod"));
    assertThat(ok.statusCode()).isEqualTo(303);
    assertThat(ok.headers().firstValue("Location")).contains("/findings?cluster=prod");
    String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith(Sessions.COOKIE + "=").contains("HttpOnly")
        .containsIgnoringCase("SameSite=Strict").contains("Path=/").doesNotContain("Secure");
  }

  @Test
  void signInRedirectsOnlyWithinTheSite() {
    assertThat(Dashboard.safeNext("//evil.example/x")).isEqualTo("/");
    assertThat(Dashboard.safeNext("https://evil.example/")).isEqualTo("/");
    assertThat(Dashboard.safeNext("/\\evil.example")).isEqualTo("/");
    assertThat(Dashboard.safeNext("/findings?x=1")).isEqualTo("/findings?x=1");
  }

  @Test
  void signOutEndsTheSession() {
    String cookie = viewer();
    Document d = page("/", cookie);
    HttpResponse<String> r = post(base + "/signout", cookie, Map.of("csrf", csrf(d)));
    assertThat(r.statusCode()).isEqualTo(303);
    assertThat(get(base + "/", cookie).statusCode()).isEqualTo(303);
  }

  @Test
  void demoModeReadsWithoutTokenButRefusesChanges() {
    HttpResponse<String> r = get(demoBase + "/?cluster=prod", null);
    assertThat(r.statusCode()).isEqualTo(200);
    Document d = Jsoup.parse(r.body());
    assertThat(d.selectFirst(".user").text()).contains("demo");
    assertThat(d.select("form[action=/exceptions]")).isEmpty();
    HttpResponse<String> change = post(demoBase + "/exceptions", null, Map.of("controls",
        Seed.PRIVILEGED, "reason", "r", "owner", "o", "expires", "2026-12-31"));
    assertThat(change.statusCode()).isEqualTo(403);
  }

  // Overview

  @Test
  void overviewShowsScoreTrendSeverityAndTopLists() {
    Document d = page("/?cluster=prod", viewer());
    assertThat(d.title()).isEqualTo("Overview · Plumbline");
    assertThat(d.selectFirst("#posture-score").text()).isEqualTo("70.0");
    Element chart = d.selectFirst("figure.trend svg.chart");
    assertThat(chart.attr("role")).isEqualTo("img");
    assertThat(chart.selectFirst("path.line").attr("d")).startsWith("M").contains("L");
    assertThat(d.select("ul.bars li").eachText()).anyMatch(t -> t.startsWith("critical"));
    assertThat(d.select("table.frameworks tbody tr")).hasSize(Seed.LIBRARY.frameworks().size());
    assertThat(d.select("section:has(#ns-h) li").eachText()).anyMatch(t -> t.startsWith("web"));
    assertThat(d.select("section:has(#ctl-h) a").eachAttr("href"))
        .anyMatch(h -> h.contains("control=" + Seed.PRIVILEGED));
    assertThat(d.select("section:has(#wl-h) a").eachText())
        .anyMatch(t -> t.contains("web/front"));
    // Seed: 7 new findings in prod at T0 (+15 min), one resolved at T0 + 10 min; NOW = T0 + 14 h
    assertThat(d.selectFirst("#new-day").text()).isEqualTo("7");
    assertThat(d.selectFirst("#resolved-day").text()).isEqualTo("1");
    assertThat(d.selectFirst("#new-week").text()).isEqualTo("7");
    assertThat(d.selectFirst("select#cluster-select").select("option").eachAttr("value"))
        .contains("prod", "staging", "big");
  }

  // Findings

  @Test
  void findingsFilterBySeverityNamespaceAndText() {
    String cookie = viewer();
    Document all = page("/findings?cluster=prod", cookie);
    int total = all.select("table.findings tbody tr").size();
    Document critical = page("/findings?cluster=prod&severity=critical", cookie);
    assertThat(critical.select("table.findings tbody tr")).isNotEmpty()
        .hasSizeLessThan(total);
    assertThat(critical.select("table.findings .sev").eachText()).containsOnly("critical");
    assertThat(critical.selectFirst("select#f-severity option[selected]").val())
        .isEqualTo("critical");
    Document web = page("/findings?cluster=prod&namespace=web", cookie);
    assertThat(web.select("table.findings tbody tr td:nth-child(3)").eachText())
        .allMatch(t -> t.contains(" web/"));
    Document text = page("/findings?cluster=prod&q=hostNetwork", cookie);
    assertThat(text.select("table.findings code").eachText()).containsOnly("spec.hostNetwork");
    Document resolved = page("/findings?cluster=prod&status=resolved", cookie);
    assertThat(resolved.select("table.findings tbody tr td:nth-child(3)").eachText())
        .containsExactly("Pod batch/job");
  }

  @Test
  void findingsPageThroughLargeResults() {
    String cookie = viewer();
    Document first = page("/findings?cluster=big", cookie);
    assertThat(first.select("table.findings tbody tr")).hasSize(Pages.PAGE_SIZE);
    assertThat(first.selectFirst("#findings-total").text()).isEqualTo("1–50 of 120 findings");
    String next = first.selectFirst("a[rel=next]").attr("href");
    assertThat(next).contains("offset=50");
    Document third = page("/findings?cluster=big&offset=100", cookie);
    assertThat(third.select("table.findings tbody tr")).hasSize(20);
    assertThat(third.select("a[rel=next]")).isEmpty();
    assertThat(third.select("a[rel=prev]")).isNotEmpty();
    assertThat(get(base + "/findings?cluster=big&offset=-1", cookie).statusCode())
        .isEqualTo(400);
    assertThat(get(base + "/findings?cluster=big&severity=urgent", cookie).statusCode())
        .isEqualTo(400);
    assertThat(get(base + "/findings?cluster=nowhere", cookie).statusCode()).isEqualTo(404);
  }

  @Test
  void findingsGroupByEachDimension() {
    String cookie = viewer();
    Document byControl = page("/findings?cluster=prod&group=control", cookie);
    assertThat(byControl.select("table.groups tbody tr a").eachAttr("href"))
        .anyMatch(h -> h.contains("control=" + Seed.PRIVILEGED));
    Document bySeverity = page("/findings?cluster=prod&group=severity", cookie);
    assertThat(bySeverity.select("table.groups tbody th").eachText()).contains("critical");
    Document byStatus = page("/findings?cluster=prod&group=status&status=any", cookie);
    assertThat(byStatus.select("table.groups tbody th").eachText())
        .contains("open", "resolved");
    Document byNs = page("/findings?cluster=prod&group=namespace", cookie);
    assertThat(byNs.select("table.groups tbody th").eachText()).contains("web", "kube-system");
    Document byFw = page("/findings?cluster=prod&group=framework", cookie);
    assertThat(byFw.select("table.groups tbody tr")).isNotEmpty();
    Document byResource = page("/findings?cluster=prod&group=resource", cookie);
    assertThat(byResource.select("tr.group").eachText()).contains("Deployment web/front");
    assertThat(get(base + "/findings?cluster=prod&group=colour", cookie).statusCode())
        .isEqualTo(400);
  }

  // One finding

  @Test
  void findingPageShowsEvidenceRemediationAndHistory() {
    String id = dev.plumbline.scan.Finding.idOf(Seed.PRIVILEGED,
        Seed.deployment("web", "front"), dev.plumbline.resource.FieldPath.parse(
            "spec.containers[0].securityContext.privileged"));
    String cookie = viewer();
    Document d = page("/findings/" + id + "?cluster=prod", cookie);
    assertThat(d.selectFirst("#evidence-path").text())
        .isEqualTo("spec.containers[0].securityContext.privileged");
    assertThat(d.selectFirst("#evidence-value").text()).isEqualTo("true");
    assertThat(d.select("dl.facts dt").eachText()).contains("resourceVersion", "First seen",
        "Last seen");
    assertThat(d.selectFirst("section:has(#why-h)").text()).hasSizeGreaterThan(40);
    assertThat(d.selectFirst("#patch").text()).contains("\"op\"");
    assertThat(d.select("table.events tbody tr")).isNotEmpty();
    // a viewer sees no form to change anything
    assertThat(d.select("form[action=/exceptions]")).isEmpty();
    Document asAdmin = page("/findings/" + id + "?cluster=prod", admin());
    Element form = asAdmin.selectFirst("form[action=/exceptions]");
    assertThat(form.selectFirst("input#e-controls").val()).isEqualTo(Seed.PRIVILEGED);
    assertThat(form.selectFirst("input#e-names").val()).isEqualTo("front");
    assertThat(form.selectFirst("input[name=csrf]").val()).isNotBlank();
    for (Element input : form.select("input:not([type=hidden]), textarea")) {
      assertThat(form.select("label[for=" + input.id() + "]")).as(input.id()).hasSize(1);
    }
    assertThat(get(base + "/findings/nope?cluster=prod", cookie).statusCode()).isEqualTo(404);
  }

  @Test
  void storedValuesAreEscapedEverywhere() {
    String cookie = viewer();
    for (String path : List.of("/findings?cluster=prod&q=evil",
        "/findings/" + DashboardSeed.EVIL_ID + "?cluster=prod",
        "/findings?cluster=prod&group=namespace", "/findings?cluster=prod&group=resource",
        "/?cluster=prod", "/exceptions", "/alerts?cluster=prod",
        "/findings?cluster=prod&q=%3Cscript%3Ealert(2)%3C/script%3E")) {
      HttpResponse<String> r = get(base + path, cookie);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.body()).as(path).doesNotContain("<script>alert").doesNotContain("<img src=x");
      Document d = Jsoup.parse(r.body());
      assertThat(d.select("script")).as(path).hasSize(1);
      assertThat(d.select("script").attr("src")).isEqualTo("/assets/dashboard.js");
    }
    Document d = page("/findings/" + DashboardSeed.EVIL_ID + "?cluster=prod", cookie);
    assertThat(d.selectFirst("#evidence-value").text()).contains("<script>alert(1)</script>");
    assertThat(d.selectFirst("h1 + p, .lead").text()).contains("<img src=x");
  }

  // Changes: CSRF, roles

  @Test
  void changesNeedTheCsrfTokenAndTheAdminRole() {
    Map<String, String> form = new java.util.HashMap<>(Map.of("controls", Seed.TAGS,
        "clusters", "prod", "namespaces", "web", "reason", "pinned by digest soon",
        "owner", "web-team", "expires", "2026-12-31"));
    String admin = admin();
    assertThat(post(base + "/exceptions", admin, form).statusCode()).isEqualTo(403);
    form.put("csrf", "forged");
    assertThat(post(base + "/exceptions", admin, form).statusCode()).isEqualTo(403);
    String viewer = viewer();
    form.put("csrf", csrf(page("/", viewer)));
    HttpResponse<String> asViewer = post(base + "/exceptions", viewer, form);
    assertThat(asViewer.statusCode()).isEqualTo(403);
    assertThat(Jsoup.parse(asViewer.body()).text()).contains("viewer role may not change");
    assertThat(post(base + "/exceptions", null, form).statusCode()).isEqualTo(403);
    int before = store.exceptions().size();

    form.put("csrf", csrf(page("/", admin)));
    HttpResponse<String> ok = post(base + "/exceptions", admin, form);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(303);
    assertThat(store.exceptions()).hasSize(before + 1);
    String location = ok.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("/exceptions/").endsWith("?saved=1");
    StoredException created = store.exception(location.substring("/exceptions/".length(),
        location.indexOf('?'))).orElseThrow();
    assertThat(created.createdBy()).isEqualTo("alice");
    assertThat(created.spec().namespaces()).containsExactly("web");
    assertThat(created.spec().reason()).isEqualTo("pinned by digest soon");

    form.put("controls", "no-such-control");
    HttpResponse<String> bad = post(base + "/exceptions", admin, form);
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(Jsoup.parse(bad.body()).selectFirst("[role=alert]").text())
        .contains("no-such-control");
    assertThat(store.exceptions()).hasSize(before + 1);
  }

  @Test
  void exceptionsCanBeEditedAndExpiredWithAnAuditTrail() {
    StoredException e = store.createException(new ExceptionSpec(List.of("prod"),
        List.of(Seed.HOST), List.of("kube-system"), List.of(), List.of(), Map.of(),
        "node agent", "platform", LocalDate.of(2026, 6, 10)), "setup", DashboardSeed.NOW);
    String admin = admin();
    Document list = page("/exceptions", admin);
    Element row = list.selectFirst("tr:has(a[href=/exceptions/" + e.id() + "])");
    assertThat(row.className()).isEqualTo("exc-soon");
    assertThat(row.text()).contains("ends in 8 days");
    Document one = page("/exceptions/" + e.id(), admin);
    Element form = one.selectFirst("form[action=/exceptions/" + e.id() + "]");
    assertThat(form.selectFirst("textarea#e-reason").text()).isEqualTo("node agent");
    HttpResponse<String> saved = post(base + "/exceptions/" + e.id(), admin, Map.of(
        "csrf", csrf(one), "controls", Seed.HOST, "clusters", "prod", "namespaces",
        "kube-system", "reason", "node agent, reviewed", "owner", "platform", "expires",
        "2026-07-01"));
    assertThat(saved.statusCode()).isEqualTo(303);
    assertThat(store.exception(e.id()).orElseThrow().spec().reason())
        .isEqualTo("node agent, reviewed");
    HttpResponse<String> expired = post(base + "/exceptions/" + e.id() + "/expire", admin,
        Map.of("csrf", csrf(one)));
    assertThat(expired.statusCode()).isEqualTo(303);
    Document after = page("/exceptions/" + e.id(), admin);
    assertThat(after.select("table.audit tbody tr td:nth-child(3)").eachText())
        .containsExactly("expire", "update", "create");
    assertThat(after.select("table.audit tbody tr td:nth-child(4)").eachText())
        .containsExactly("alice", "alice", "setup");
    assertThat(after.select("form.expire")).isEmpty();
  }

  // Compliance, resources, controls, alerts

  @Test
  void compliancePageListsRequirementsAndLinksTheReport() {
    Document d = page("/compliance/pss-baseline?cluster=prod", viewer());
    assertThat(d.select("table.requirements tbody tr")).hasSize(
        Seed.LIBRARY.framework("pss-baseline").requirements().size());
    assertThat(d.select("table.requirements .req").eachText()).contains("fail");
    assertThat(d.select("a.button").eachAttr("href")).contains(
        "/api/v1/reports/pss-baseline?format=html&cluster=prod",
        "/api/v1/reports/pss-baseline?format=pdf&cluster=prod",
        "/api/v1/reports/pss-baseline?format=csv&cluster=prod",
        "/api/v1/reports/pss-baseline?format=json&cluster=prod");
    Document cis = page("/compliance/cis?cluster=prod", viewer());
    assertThat(cis.select("table.requirements .req").eachText()).contains("manual");
    Document index = page("/compliance?cluster=prod", viewer());
    assertThat(index.select("table.frameworks tbody tr"))
        .hasSize(Seed.LIBRARY.frameworks().size());
    assertThat(get(base + "/compliance/nope?cluster=prod", viewer()).statusCode())
        .isEqualTo(404);
  }

  @Test
  void resourcePageShowsItsFindingsAndHistory() {
    Document d = page("/resources/Pod/batch/job?cluster=prod&apiVersion=v1", viewer());
    assertThat(d.selectFirst("h1").text()).isEqualTo("Pod batch/job");
    assertThat(d.select("table.findings tbody tr td:nth-child(4)").eachText())
        .containsExactly("resolved");
    assertThat(d.select("table.events tbody td:nth-child(3)").eachText())
        .containsExactly("new", "resolved");
  }

  @Test
  void controlCatalogSearchesAndShowsFixtures() {
    String cookie = viewer();
    Document list = page("/controls?q=privileged", cookie);
    assertThat(list.select("table.controls tbody .sub").eachText()).contains(Seed.PRIVILEGED);
    assertThat(list.select("table.controls tbody tr")).hasSizeLessThan(
        Seed.LIBRARY.controls().size());
    Document one = page("/controls/" + Seed.PRIVILEGED, cookie);
    List<String> examples = one.select("details.fixture summary").eachText();
    assertThat(examples).anyMatch(t -> t.startsWith("passes pass-"))
        .anyMatch(t -> t.startsWith("fails fail-"));
    assertThat(one.selectFirst("details.fixture pre").text()).contains("kind:");
    assertThat(get(base + "/controls/nope", cookie).statusCode()).isEqualTo(404);
  }

  @Test
  void alertsPageShowsDeliveryState() {
    Document d = page("/alerts?cluster=prod", viewer());
    assertThat(d.select("table.alerts tbody tr td:nth-child(2)").eachText()).contains("hook");
    assertThat(d.select("table.alerts .st").eachText()).contains("pending");
    assertThat(d.select("ul.counts li").eachText()).contains("pending 2");
    Document dead = page("/alerts?cluster=prod&state=dead", viewer());
    assertThat(dead.select("table.alerts tbody tr")).isEmpty();
  }

  // The API with a dashboard session

  @Test
  void aSessionMayReadTheApiButNotChangeIt() {
    String cookie = admin();
    assertThat(get(base + "/api/v1/findings?cluster=prod", cookie).statusCode())
        .isEqualTo(200);
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/v1/exceptions"))
        .header("Cookie", cookie).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"controls\":[\"*\"],\"reason\":\"r\","
            + "\"owner\":\"o\",\"expires\":\"2026-12-31\"}"));
    assertThat(send(b).statusCode()).isEqualTo(401);
  }

  @Test
  void assetsAreBundledAndPagesLoadNothingFromElsewhere() {
    assertThat(get(base + "/assets/dashboard.css", null).statusCode()).isEqualTo(200);
    assertThat(get(base + "/assets/dashboard.js", null).statusCode()).isEqualTo(200);
    assertThat(get(base + "/assets/nope.css", null).statusCode()).isEqualTo(404);
    Document d = page("/?cluster=prod", viewer());
    assertThat(d.select("link[href], script[src], img[src]").eachAttr("href"))
        .allMatch(h -> h.startsWith("/"));
    assertThat(d.html()).doesNotContain("http://").doesNotContain("https://");
    assertThat(d.selectFirst("a.skip").attr("href")).isEqualTo("#main");
    assertThat(d.selectFirst("main#main")).isNotNull();
    assertThat(d.selectFirst("meta[name=viewport]")).isNotNull();
    assertThat(d.selectFirst("nav a[aria-current=page]").text()).isEqualTo("Overview");
  }

  @Test
  void dashboardRoutesStayOutsideTheApi() {
    assertThat(server.dashboardRoutes()).isNotEmpty()
        .noneMatch(r -> r.contains(" " + Api.PREFIX))
        .contains("GET /", "GET /findings", "POST /exceptions");
    assertThat(server.endpoints()).doesNotContain("GET /", "GET /findings");
  }

  static void enqueueAlerts(Store store, String findingId) {
    store.enqueueAlerts(List.of(
        new AlertEvent("hook", "prod", findingId, Transition.NEW, 1, "{}"),
        new AlertEvent("syslog", "prod", findingId, Transition.NEW, 1, "<script>x</script>")),
        DashboardSeed.NOW);
  }
}
