package dev.plumbline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.store.AlertEvent;
import dev.plumbline.store.Store;
import dev.plumbline.store.Transition;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The API over real HTTP on loopback, against a store seeded through {@link Store#reconcile}.
 * Subclasses give the store (embedded H2, PostgreSQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiContract {
  static final String VIEWER = "viewer-secret-1";
  static final String ADMIN = "admin-secret-2";
  static final Instant NOW = Instant.parse("2026-06-02T00:00:00Z");
  static final ObjectMapper JSON = JsonMapper.builder().build();

  final HttpClient http = HttpClient.newHttpClient();
  final AtomicBoolean ready = new AtomicBoolean(false);
  Store store;
  ApiServer server;
  String base;

  abstract Store newStore();

  @BeforeAll
  void start() {
    store = newStore();
    Seed.small(store);
    server = ApiServer.start(settings(false), store, Seed.LIBRARY,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), ready::get,
        Clock.fixed(NOW, ZoneOffset.UTC));
    base = "http://127.0.0.1:" + server.port();
  }

  static ServerSettings settings(boolean demo) {
    return ServerSettings.of("127.0.0.1", 0, List.of(
        new ServerSettings.ApiToken("victor", VIEWER, ServerSettings.Role.VIEWER),
        new ServerSettings.ApiToken("alice", ADMIN, ServerSettings.Role.ADMIN)))
        .withDemo(demo);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  // HTTP helpers

  HttpResponse<String> send(String method, String path, String token, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.body()).doesNotContain("\tat ")
          .doesNotContainPattern("(java|jakarta|io|org|dev|tools)\\.[A-Za-z.]+(Exception|Error)");
      return r;
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + ": " + e, e);
    }
  }

  JsonNode get(String path) {
    HttpResponse<String> r = send("GET", path, VIEWER, null);
    assertThat(r.statusCode()).as(path + " -> " + r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    return JSON.readTree(r.body());
  }

  JsonNode error(String method, String path, String token, String body, int status) {
    HttpResponse<String> r = send(method, path, token, body);
    assertThat(r.statusCode()).as(method + " " + path + " -> " + r.body()).isEqualTo(status);
    JsonNode n = JSON.readTree(r.body());
    assertThat(n.get("status").asInt()).isEqualTo(status);
    assertThat(n.get("error").asString()).isNotBlank();
    return n;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.get(field).asString()));
    return out;
  }

  // Health and metrics

  @Test
  void healthIsAlwaysUpAndReadinessFollowsTheMonitor() {
    assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    ready.set(false);
    assertThat(send("GET", "/readyz", null, null).statusCode()).isEqualTo(503);
    ready.set(true);
    assertThat(send("GET", "/readyz", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void metricsNeedNoTokenAndCountStoredFindings() {
    get("/api/v1/clusters");
    HttpResponse<String> r = send("GET", "/metrics", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    // prod: 2 privileged (1 resolved), 2 host, 2 tags; staging: 1 tags
    String critical = Seed.LIBRARY.control(Seed.PRIVILEGED).severity().label();
    assertThat(r.body()).contains("plumbline_findings{severity=\"" + critical
        + "\",status=\"resolved\"} 1.0");
    assertThat(r.body()).contains("plumbline_store_up 1.0");
    // open findings (both clusters) by control and by namespace
    assertThat(r.body()).contains("plumbline_open_findings_by_control{control=\""
        + Seed.PRIVILEGED + "\"} 1.0");
    assertThat(r.body()).contains("plumbline_open_findings_by_namespace{namespace=\"web\"} 5.0");
    assertThat(r.body()).contains("plumbline_http_requests_seconds_count{method=\"GET\","
        + "route=\"/api/v1/clusters\",status=\"200\"}");
  }

  // Authentication

  @Test
  void refusesRequestsWithoutAValidToken() {
    HttpResponse<String> none = send("GET", "/api/v1/findings", null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
    assertThat(JSON.readTree(none.body()).get("error").asString()).contains("token");
    error("GET", "/api/v1/findings", "wrong", null, 401);
    error("GET", "/api/v1/findings", VIEWER + "x", null, 401);
    HttpResponse<String> basic = http(HttpRequest.newBuilder(URI.create(base + "/api/v1/controls"))
        .header("Authorization", "Basic dmlld2VyOng=").build());
    assertThat(basic.statusCode()).isEqualTo(401);
  }

  HttpResponse<String> http(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void viewersReadAndOnlyAdminsWrite() {
    assertThat(send("GET", "/api/v1/exceptions", VIEWER, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/v1/exceptions", ADMIN, null).statusCode()).isEqualTo(200);
    JsonNode denied = error("POST", "/api/v1/exceptions", VIEWER, spec("r", "o", "2030-01-01"),
        403);
    assertThat(denied.get("error").asString()).contains("admin");
    error("DELETE", "/api/v1/exceptions/x", VIEWER, null, 403);
    error("POST", "/api/v1/exceptions", null, spec("r", "o", "2030-01-01"), 401);
  }

  @Test
  void demoModeLetsAnonymousReadButNotWrite() {
    try (ApiServer demo = ApiServer.start(settings(true), store, Seed.LIBRARY,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true, Clock.systemUTC())) {
      String url = "http://127.0.0.1:" + demo.port();
      HttpResponse<String> read = http(HttpRequest.newBuilder(URI.create(url
          + "/api/v1/findings?cluster=prod")).build());
      assertThat(read.statusCode()).isEqualTo(200);
      HttpResponse<String> write = http(HttpRequest.newBuilder(URI.create(url
          + "/api/v1/exceptions")).POST(HttpRequest.BodyPublishers.ofString(
              spec("r", "o", "2030-01-01"))).build());
      assertThat(write.statusCode()).isEqualTo(401);
      HttpResponse<String> viewerWrite = http(HttpRequest.newBuilder(URI.create(url
          + "/api/v1/exceptions")).header("Authorization", "Bearer " + VIEWER)
          .POST(HttpRequest.BodyPublishers.ofString(spec("r", "o", "2030-01-01"))).build());
      assertThat(viewerWrite.statusCode()).isEqualTo(403);
    }
  }

  // Findings

  @Test
  void listsOpenFindingsOfAClusterWorstFirst() {
    JsonNode page = get("/api/v1/findings?cluster=prod");
    assertThat(page.get("total").asLong()).isEqualTo(5);
    assertThat(page.get("items")).hasSize(5);
    assertThat(page.get("nextCursor").isNull()).isTrue();
    List<String> sev = texts(page.get("items"), "severity");
    List<String> sorted = new ArrayList<>(sev);
    sorted.sort(java.util.Comparator.comparing(s -> dev.plumbline.control.Severity.parse(s)));
    assertThat(sev).isEqualTo(sorted);
    JsonNode first = page.get("items").get(0);
    assertThat(first.get("resource").get("kind").asString()).isNotBlank();
    assertThat(first.get("firstSeen").asString()).isEqualTo("2026-06-01T10:00:00Z");
  }

  @Test
  void filtersFindings() {
    assertThat(get("/api/v1/findings?cluster=prod&namespace=web").get("total").asLong())
        .isEqualTo(4);
    assertThat(get("/api/v1/findings?cluster=prod&namespace=web,kube-system").get("total")
        .asLong()).isEqualTo(5);
    assertThat(get("/api/v1/findings?cluster=prod&namespace=web&namespace=batch&status=open,"
        + "resolved").get("total").asLong()).isEqualTo(5);
    assertThat(get("/api/v1/findings?control=" + Seed.TAGS).get("total").asLong())
        .isEqualTo(3);
    assertThat(get("/api/v1/findings?cluster=prod&status=resolved").get("items").get(0)
        .get("resource").get("name").asString()).isEqualTo("job");
    String sev = Seed.LIBRARY.control(Seed.PRIVILEGED).severity().label();
    JsonNode bySeverity = get("/api/v1/findings?cluster=prod&severity=" + sev);
    assertThat(texts(bySeverity.get("items"), "severity")).containsOnly(sev);
    assertThat(get("/api/v1/findings?cluster=prod&q=proxy").get("total").asLong()).isEqualTo(1);
    assertThat(get("/api/v1/findings?cluster=prod&q=" + enc("front privileged"))
        .get("total").asLong()).isEqualTo(1);
    String framework = Seed.LIBRARY.control(Seed.HOST).frameworks().keySet().iterator().next();
    JsonNode byFramework = get("/api/v1/findings?cluster=prod&framework=" + framework);
    assertThat(texts(byFramework.get("items"), "control")).contains(Seed.HOST);
    assertThat(get("/api/v1/findings?cluster=nowhere").get("total").asLong()).isZero();
  }

  @Test
  void sortsFindings() {
    JsonNode byResource = get("/api/v1/findings?cluster=prod&sort=resource");
    List<String> ns = new ArrayList<>();
    byResource.get("items").forEach(n -> ns.add(n.get("resource").get("namespace").asString()));
    assertThat(ns).isSorted();
    JsonNode desc = get("/api/v1/findings?cluster=prod&sort=resource&order=desc");
    List<String> nsDesc = new ArrayList<>();
    desc.get("items").forEach(n -> nsDesc.add(n.get("resource").get("namespace").asString()));
    assertThat(nsDesc).isSortedAccordingTo(java.util.Comparator.reverseOrder());
    assertThat(texts(get("/api/v1/findings?cluster=prod&sort=control").get("items"), "control"))
        .isSorted();
    get("/api/v1/findings?sort=lastSeen");
    get("/api/v1/findings?sort=first_seen");
  }

  @Test
  void pagesThroughFindingsByCursorAndOffset() {
    Set<String> seen = new HashSet<>();
    String path = "/api/v1/findings?status=open,resolved&limit=2";
    JsonNode page = get(path);
    int pages = 1;
    page.get("items").forEach(n -> seen.add(n.get("cluster").asString() + n.get("id")));
    while (!page.get("nextCursor").isNull()) {
      assertThat(page.get("total").asLong()).isEqualTo(7);
      page = get(path + "&cursor=" + page.get("nextCursor").asString());
      page.get("items").forEach(n -> seen.add(n.get("cluster").asString() + n.get("id")));
      pages++;
    }
    assertThat(pages).isEqualTo(4);
    assertThat(seen).hasSize(7);
    JsonNode third = get(path + "&offset=4");
    assertThat(third.get("offset").asInt()).isEqualTo(4);
    assertThat(third.get("items")).hasSize(2);
  }

  @Test
  void rejectsBadFindingParametersNamingThem() {
    assertThat(error("GET", "/api/v1/findings?limit=0", VIEWER, null, 400).get("parameter")
        .asString()).isEqualTo("limit");
    assertThat(error("GET", "/api/v1/findings?limit=abc", VIEWER, null, 400).get("parameter")
        .asString()).isEqualTo("limit");
    assertThat(error("GET", "/api/v1/findings?limit=1001", VIEWER, null, 400).get("parameter")
        .asString()).isEqualTo("limit");
    assertThat(error("GET", "/api/v1/findings?severity=urgent", VIEWER, null, 400)
        .get("parameter").asString()).isEqualTo("severity");
    assertThat(error("GET", "/api/v1/findings?status=gone", VIEWER, null, 400)
        .get("parameter").asString()).isEqualTo("status");
    assertThat(error("GET", "/api/v1/findings?sort=colour", VIEWER, null, 400)
        .get("parameter").asString()).isEqualTo("sort");
    assertThat(error("GET", "/api/v1/findings?order=up", VIEWER, null, 400)
        .get("parameter").asString()).isEqualTo("order");
    assertThat(error("GET", "/api/v1/findings?cursor=zzz", VIEWER, null, 400)
        .get("parameter").asString()).isEqualTo("cursor");
    assertThat(error("GET", "/api/v1/findings?offset=-1", VIEWER, null, 400)
        .get("parameter").asString()).isEqualTo("offset");
    assertThat(error("GET", "/api/v1/findings?clustr=prod", VIEWER, null, 400)
        .get("parameter").asString()).isEqualTo("clustr");
    assertThat(error("GET", "/api/v1/findings?cluster=a&cluster=b", VIEWER, null, 400)
        .get("parameter").asString()).isEqualTo("cluster");
  }

  @Test
  void showsOneFindingWithEvidenceAndHistory() {
    JsonNode resolved = get("/api/v1/findings?cluster=prod&status=resolved").get("items").get(0);
    String id = resolved.get("id").asString();
    JsonNode f = get("/api/v1/findings/" + id + "?cluster=prod");
    assertThat(f.get("status").asString()).isEqualTo("resolved");
    assertThat(f.get("path").asString()).isEqualTo("spec.containers[0].securityContext.privileged");
    assertThat(f.get("value").asString()).isEqualTo("true");
    assertThat(f.get("resourceVersion").asString()).isEqualTo("100");
    assertThat(f.get("resolvedAt").asString()).isEqualTo("2026-06-01T10:10:00Z");
    assertThat(texts(f.get("history"), "transition")).containsExactly("new", "resolved");
    error("GET", "/api/v1/findings/" + id + "?cluster=staging", VIEWER, null, 404);
    error("GET", "/api/v1/findings/nope?cluster=prod", VIEWER, null, 404);
    assertThat(error("GET", "/api/v1/findings/" + id, VIEWER, null, 400).get("parameter")
        .asString()).isEqualTo("cluster");
  }

  // Resources

  @Test
  void listsResourcesWithFindingCounts() {
    JsonNode all = get("/api/v1/resources?cluster=prod");
    assertThat(all.get("total").asInt()).isEqualTo(3);
    List<String> names = new ArrayList<>();
    all.get("items").forEach(n -> names.add(n.get("resource").get("name").asString()));
    assertThat(names).containsExactlyInAnyOrder("front", "api", "proxy");
    all.get("items").forEach(n -> {
      if (n.get("resource").get("name").asString().equals("front")) {
        assertThat(n.get("findings").asInt()).isEqualTo(2);
      }
    });
    assertThat(get("/api/v1/resources?cluster=prod&kind=Pod").get("total").asInt()).isEqualTo(2);
    assertThat(get("/api/v1/resources?cluster=prod&namespace=kube-system").get("total").asInt())
        .isEqualTo(1);
    assertThat(get("/api/v1/resources?cluster=prod&limit=1&offset=1").get("items")).hasSize(1);
    assertThat(get("/api/v1/resources?cluster=prod&status=resolved").get("items").get(0)
        .get("resource").get("name").asString()).isEqualTo("job");
  }

  @Test
  void showsOneResourceWithFindingsAndHistory() {
    JsonNode r = get("/api/v1/resources/Deployment/web/front?cluster=prod");
    assertThat(r.get("resource").get("apiVersion").asString()).isEqualTo("apps/v1");
    assertThat(texts(r.get("findings"), "control"))
        .containsExactlyInAnyOrder(Seed.PRIVILEGED, Seed.TAGS);
    assertThat(r.get("history")).hasSize(2);
    JsonNode explicit = get("/api/v1/resources/Pod/batch/job?cluster=prod&apiVersion=v1");
    assertThat(texts(explicit.get("findings"), "status")).containsExactly("resolved");
    error("GET", "/api/v1/resources/Pod/web/nothing?cluster=prod", VIEWER, null, 404);
    error("GET", "/api/v1/resources/Pod/web/api", VIEWER, null, 400);
  }

  // Controls and frameworks

  @Test
  void listsAndShowsControls() {
    JsonNode all = get("/api/v1/controls");
    assertThat(all.get("total").asInt()).isEqualTo(Seed.LIBRARY.controls().size());
    JsonNode c = get("/api/v1/controls/" + Seed.PRIVILEGED);
    assertThat(c.get("id").asString()).isEqualTo(Seed.PRIVILEGED);
    assertThat(c.get("description").asString()).isNotBlank();
    assertThat(c.get("remediation").get("text").asString()).isNotBlank();
    assertThat(c.get("remediation").get("patch").isArray()).isTrue();
    assertThat(c.get("frameworks").size()).isPositive();
    assertThat(c.get("fixtures").isArray()).isTrue();
    String sev = c.get("severity").asString();
    assertThat(texts(get("/api/v1/controls?severity=" + sev).get("items"), "severity"))
        .containsOnly(sev);
    assertThat(texts(get("/api/v1/controls?framework=pss-baseline").get("items"), "id"))
        .contains(Seed.PRIVILEGED);
    error("GET", "/api/v1/controls/no-such-control", VIEWER, null, 404);
    error("GET", "/api/v1/controls?framework=nope", VIEWER, null, 400);
  }

  @Test
  void listsFrameworksAndComputesComplianceFromOpenFindings() {
    assertThat(texts(get("/api/v1/frameworks").get("items"), "id"))
        .contains("cis", "pss-baseline", "pss-restricted", "nsa-cisa", "mitre");
    JsonNode c = get("/api/v1/frameworks/pss-baseline/compliance?cluster=prod");
    assertThat(c.get("score").asDouble()).isEqualTo(75.0);
    assertThat(c.get("failingResourcesExact").asBoolean()).isTrue();
    boolean sawFail = false;
    for (JsonNode r : c.get("requirements")) {
      List<String> controls = new ArrayList<>();
      r.get("controls").forEach(n -> controls.add(n.asString()));
      if (controls.contains(Seed.HOST)) {
        assertThat(r.get("status").asString()).isEqualTo("fail");
        assertThat(r.get("failingResources").asInt()).isEqualTo(2);
        sawFail = true;
      }
      if (controls.contains(Seed.PRIVILEGED) && !controls.contains(Seed.HOST)) {
        assertThat(r.get("status").asString()).isEqualTo("fail");
        assertThat(r.get("failingResources").asInt()).isEqualTo(1);
      }
    }
    assertThat(sawFail).isTrue();
    JsonNode staging = get("/api/v1/frameworks/pss-baseline/compliance?cluster=staging");
    assertThat(staging.get("score").isNull()).isTrue();
    JsonNode cis = get("/api/v1/frameworks/cis/compliance");
    assertThat(cis.get("counts").has("manual")).isTrue();
    error("GET", "/api/v1/frameworks/nope/compliance", VIEWER, null, 404);
  }

  // History

  @Test
  void drawsTrendsFromSnapshots() {
    JsonNode posture = get("/api/v1/history/trends?cluster=prod&from=2026-06-01");
    assertThat(posture.get("points")).hasSize(2);
    assertThat(posture.get("points").get(1).get("score").asDouble()).isEqualTo(70.0);
    JsonNode fw = get("/api/v1/history/trends?cluster=prod&framework=pss-baseline"
        + "&from=2026-06-01T00:00:00Z&to=2026-06-01T10:05:00Z");
    assertThat(fw.get("points")).hasSize(1);
    assertThat(fw.get("points").get(0).get("score").asDouble()).isEqualTo(50.0);
    assertThat(error("GET", "/api/v1/history/trends?cluster=prod&from=yesterday", VIEWER, null,
        400).get("parameter").asString()).isEqualTo("from");
    error("GET", "/api/v1/history/trends?cluster=prod&framework=nope", VIEWER, null, 400);
    error("GET", "/api/v1/history/trends", VIEWER, null, 400);
    JsonNode ns = get("/api/v1/history/namespaces?cluster=prod");
    assertThat(ns.get("namespaces").get("web").get("critical").asInt()).isEqualTo(1);
    JsonNode events = get("/api/v1/history/events?cluster=prod&limit=3");
    assertThat(events.get("items")).hasSize(3);
    assertThat(events.get("items").get(0).get("transition").asString()).isEqualTo("resolved");
  }

  @Test
  void listsClusters() {
    JsonNode c = get("/api/v1/clusters");
    assertThat(texts(c.get("items"), "name")).containsExactly("prod", "staging");
    assertThat(c.get("items").get(0).get("openFindings").asLong()).isEqualTo(5);
  }

  // Exceptions

  static String spec(String reason, String owner, String expires) {
    return "{\"controls\":[\"" + Seed.TAGS + "\"],\"namespaces\":[\"web\"],"
        + "\"clusters\":[\"prod\"],\"labels\":{\"app\":\"web-*\"},"
        + (reason == null ? "" : "\"reason\":\"" + reason + "\",")
        + (owner == null ? "" : "\"owner\":\"" + owner + "\",")
        + "\"expires\":\"" + expires + "\"}";
  }

  @Test
  void createsUpdatesExpiresAndDeletesExceptionsWithAnAuditTrail() {
    HttpResponse<String> created = send("POST", "/api/v1/exceptions", ADMIN,
        spec("vendor image", "platform", "2026-12-31"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonNode e = JSON.readTree(created.body());
    String id = e.get("id").asString();
    assertThat(e.get("createdBy").asString()).isEqualTo("alice");
    assertThat(e.get("active").asBoolean()).isTrue();
    assertThat(e.get("labels").get("app").asString()).isEqualTo("web-*");
    assertThat(texts(get("/api/v1/exceptions").get("items"), "id")).contains(id);
    assertThat(get("/api/v1/exceptions/" + id).get("reason").asString())
        .isEqualTo("vendor image");

    HttpResponse<String> updated = send("PUT", "/api/v1/exceptions/" + id, ADMIN,
        spec("vendor image, ticket 42", "platform", "2026-09-30"));
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(JSON.readTree(updated.body()).get("revision").asInt()).isEqualTo(2);

    HttpResponse<String> expired = send("POST", "/api/v1/exceptions/" + id + "/expire", ADMIN,
        null);
    assertThat(expired.statusCode()).as(expired.body()).isEqualTo(200);
    assertThat(JSON.readTree(expired.body()).get("active").asBoolean()).isFalse();
    assertThat(JSON.readTree(expired.body()).get("expires").asString()).isEqualTo("2026-06-01");

    assertThat(send("DELETE", "/api/v1/exceptions/" + id, ADMIN, null).statusCode())
        .isEqualTo(200);
    error("GET", "/api/v1/exceptions/" + id, VIEWER, null, 404);

    JsonNode audit = get("/api/v1/exceptions/" + id + "/audit");
    assertThat(texts(audit.get("items"), "action"))
        .containsExactly("create", "update", "expire", "delete");
    assertThat(texts(audit.get("items"), "actor")).containsOnly("alice");
    assertThat(audit.get("items").get(1).get("after").get("reason").asString())
        .isEqualTo("vendor image, ticket 42");
  }

  @Test
  void refusesExceptionsWithoutReasonOwnerOrExpiry() {
    assertThat(error("POST", "/api/v1/exceptions", ADMIN, spec(null, "o", "2030-01-01"), 400)
        .get("error").asString()).contains("reason");
    assertThat(error("POST", "/api/v1/exceptions", ADMIN, spec("r", null, "2030-01-01"), 400)
        .get("error").asString()).contains("owner");
    assertThat(error("POST", "/api/v1/exceptions", ADMIN, "{\"controls\":[\"*\"],"
        + "\"reason\":\"r\",\"owner\":\"o\"}", 400).get("error").asString()).contains("expires");
    assertThat(error("POST", "/api/v1/exceptions", ADMIN, spec("r", "o", "someday"), 400)
        .get("error").asString()).contains("expires");
    assertThat(error("POST", "/api/v1/exceptions", ADMIN, spec("  ", "o", "2030-01-01"), 400)
        .get("error").asString()).contains("reason");
    assertThat(error("POST", "/api/v1/exceptions", ADMIN, "{\"controls\":[\"nope\"],"
        + "\"reason\":\"r\",\"owner\":\"o\",\"expires\":\"2030-01-01\"}", 400)
        .get("error").asString()).contains("nope");
    assertThat(error("POST", "/api/v1/exceptions", ADMIN, "{\"controls\":[\"*\"],"
        + "\"reason\":\"r\",\"owner\":\"o\",\"expires\":\"2030-01-01\",\"colour\":1}", 400)
        .get("error").asString()).contains("colour");
    error("PUT", "/api/v1/exceptions/missing", ADMIN, spec("r", "o", "2030-01-01"), 404);
    error("POST", "/api/v1/exceptions/missing/expire", ADMIN, null, 404);
    error("DELETE", "/api/v1/exceptions/missing", ADMIN, null, 404);
    error("GET", "/api/v1/exceptions/missing/audit", VIEWER, null, 404);
  }

  @Test
  void rejectsMalformedAndOversizedBodies() {
    assertThat(error("POST", "/api/v1/exceptions", ADMIN, "{\"controls\": [", 400)
        .get("error").asString()).contains("JSON");
    error("POST", "/api/v1/exceptions", ADMIN, "[1,2]", 400);
    error("POST", "/api/v1/exceptions", ADMIN, "", 400);
    error("POST", "/api/v1/exceptions", ADMIN, "{\"controls\":\"x\",\"reason\":\"r\","
        + "\"owner\":\"o\",\"expires\":\"2030-01-01\"}", 400);
    String huge = "{\"reason\":\"" + "x".repeat(200_000) + "\"}";
    HttpResponse<String> r = send("POST", "/api/v1/exceptions", ADMIN, huge);
    assertThat(r.statusCode()).isEqualTo(413);
    // Chunked, without a Content-Length: refused once the limit is read.
    byte[] bytes = huge.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> chunked = http(HttpRequest.newBuilder(URI.create(base
        + "/api/v1/exceptions")).header("Authorization", "Bearer " + ADMIN)
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.ByteArrayInputStream(bytes))).build());
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(chunked.body()).get("error").asString()).contains("larger");
  }

  // Alerts

  @Test
  void listsAlertsWithDeliveryCounts() {
    String finding = get("/api/v1/findings?cluster=prod&limit=1").get("items").get(0).get("id")
        .asString();
    store.enqueueAlerts(List.of(new AlertEvent("hook", "prod", finding, Transition.NEW, 1, "{}"),
        new AlertEvent("syslog", "prod", finding, Transition.NEW, 1, "{}")), NOW);
    JsonNode all = get("/api/v1/alerts");
    assertThat(all.get("counts").get("pending").asLong()).isEqualTo(2);
    JsonNode hook = get("/api/v1/alerts?sink=hook&state=pending");
    assertThat(texts(hook.get("items"), "sink")).containsExactly("hook");
    assertThat(hook.get("items").get(0).get("transition").asString()).isEqualTo("new");
    assertThat(get("/api/v1/alerts?state=delivered").get("items")).isEmpty();
    assertThat(error("GET", "/api/v1/alerts?state=lost", VIEWER, null, 400).get("parameter")
        .asString()).isEqualTo("state");
  }

  // OpenAPI and routing

  /** Every endpoint the API promises (method and path), as the issue lists them. */
  static final Set<String> ENDPOINTS = new TreeSet<>(List.of(
      "GET /api/v1/findings", "GET /api/v1/findings/{id}", "GET /api/v1/resources",
      "GET /api/v1/resources/{kind}/{namespace}/{name}", "GET /api/v1/controls",
      "GET /api/v1/controls/{id}", "GET /api/v1/frameworks",
      "GET /api/v1/frameworks/{id}/compliance", "GET /api/v1/history/trends",
      "GET /api/v1/history/namespaces", "GET /api/v1/history/events", "GET /api/v1/clusters",
      "GET /api/v1/exceptions", "POST /api/v1/exceptions", "GET /api/v1/exceptions/{id}",
      "PUT /api/v1/exceptions/{id}", "POST /api/v1/exceptions/{id}/expire",
      "DELETE /api/v1/exceptions/{id}", "GET /api/v1/exceptions/{id}/audit",
      "GET /api/v1/alerts", "GET /api/v1/reports/{framework}", "GET /api/v1/openapi.json", "GET /healthz", "GET /readyz",
      "GET /metrics"));

  @Test
  void openApiDescribesEveryEndpointAndNothingElse() {
    JsonNode doc = JSON.readTree(send("GET", "/api/v1/openapi.json", null, null).body());
    assertThat(doc.get("openapi").asString()).isEqualTo("3.1.0");
    Set<String> described = new TreeSet<>();
    for (String path : doc.get("paths").propertyNames()) {
      for (String method : doc.get("paths").get(path).propertyNames()) {
        described.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path);
      }
    }
    assertThat(described).isEqualTo(ENDPOINTS);
    assertThat(server.endpoints()).isEqualTo(described);
    // Each described endpoint is routed: answering anything but "no such endpoint".
    for (String endpoint : described) {
      String method = endpoint.substring(0, endpoint.indexOf(' '));
      String path = endpoint.substring(endpoint.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "x");
      HttpResponse<String> r = send(method, path, ADMIN, method.equals("GET") ? null : "{}");
      assertThat(r.body()).as(endpoint).doesNotContain("no such endpoint");
    }
    // And a path that is not described is not routed.
    assertThat(error("GET", "/api/v1/nothing", VIEWER, null, 404).get("error").asString())
        .contains("no such endpoint");
    error("PATCH", "/api/v1/exceptions/x", ADMIN, "{}", 404);
  }

  @Test
  void routeTableAndOpenApiAgree() {
    Api api = new Api(store, Seed.LIBRARY, Clock.systemUTC(), JSON);
    Set<String> routed = new TreeSet<>();
    api.routes().forEach(r -> routed.add(r.method() + " " + r.path()));
    OpenApi.EXTRA.forEach(e -> routed.add(e[0] + " " + e[1]));
    assertThat(routed).isEqualTo(ENDPOINTS);
    Map<?, ?> doc = JSON.readValue(OpenApi.document(api.routes(), JSON), Map.class);
    assertThat(((Map<?, ?>) doc.get("paths")).keySet()).hasSize(
        (int) ENDPOINTS.stream().map(e -> e.substring(e.indexOf(' ') + 1)).distinct().count());
  }
}
