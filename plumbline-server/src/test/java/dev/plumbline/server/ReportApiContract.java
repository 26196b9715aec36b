package dev.plumbline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.report.Report;
import dev.plumbline.report.ReportFormat;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.Suppressed;
import dev.plumbline.store.ExceptionSpec;
import dev.plumbline.store.Posture;
import dev.plumbline.store.Scope;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoredException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /api/v1/reports/{framework}}: a report built from a seeded store, in every format,
 * read back. Subclasses give the store (embedded H2, PostgreSQL).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ReportApiContract {
  static final Instant NOW = Instant.parse("2026-06-02T00:00:00Z");
  static final String HOSTILE = "=cmd|' /C calc'!A0,\"x\"\n<script>alert(1)</script>";
  static final int DEPLOYMENTS = 40;

  final HttpClient http = HttpClient.newHttpClient();
  Store store;
  ApiServer server;
  String base;
  StoredException exception;

  abstract Store newStore();

  @BeforeAll
  void start() {
    store = newStore();
    exception = store.createException(new ExceptionSpec(List.of("prod"), List.of(Seed.HOST),
        List.of("kube-system"), List.of(), List.of(), Map.of(),
        "kube-proxy needs the host network", "platform@example.com",
        LocalDate.parse("2026-12-31")), "alice", Seed.T0);
    List<Finding> open = new ArrayList<>();
    for (int i = 0; i < DEPLOYMENTS; i++) {
      open.add(Seed.privileged(Seed.deployment("web", "front-" + i)));
    }
    open.add(Seed.privileged(Seed.deployment("web", HOSTILE)));
    List<Suppressed> suppressed = List.of(new Suppressed(
        Seed.host(Seed.pod("kube-system", "proxy")), exception.toPolicyException()));
    store.reconcile("prod", Scope.cluster(), open, suppressed, Seed.T0);
    store.reconcile("staging", Scope.cluster(), List.of(Seed.tags(Seed.pod("web", "api"))),
        Seed.T0);
    for (int i = 0; i < 3; i++) {
      store.recordSnapshot("prod", Seed.T0.plusSeconds(3600L * i), new Posture(50 + i, Map.of(),
          1, Map.of("cis", new Posture.FrameworkPoint(40 + 10 * i, 3, 1, 0, 0)), Map.of()));
    }
    server = ApiServer.start(ApiContract.settings(false), store, Seed.LIBRARY,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true,
        Clock.fixed(NOW, ZoneOffset.UTC));
    base = "http://127.0.0.1:" + server.port();
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

  HttpResponse<byte[]> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> ok(String path, String type) throws Exception {
    HttpResponse<byte[]> r = get(path, ApiContract.VIEWER);
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith(type);
    assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
        .startsWith("attachment; filename=\"plumbline-cis-prod.");
    return r;
  }

  @Test
  void jsonReportCarriesStatusEvidenceExceptionsAndTrendFromTheStore() throws Exception {
    Report report = ReportFormat.readJson(new ByteArrayInputStream(
        ok("/api/v1/reports/cis?format=json&cluster=prod", "application/json").body()));
    assertThat(report.producedAt()).isEqualTo(NOW);
    assertThat(report.source().kind()).isEqualTo("server");
    assertThat(report.source().cluster()).isEqualTo("prod");
    assertThat(report.source().scannedAt()).isEqualTo(Seed.T0.plusSeconds(7200));
    assertThat(report.summary().score()).isEqualTo(60.0);
    assertThat(report.trend().available()).isTrue();
    assertThat(report.trend().points()).extracting(Report.TrendPoint::score)
        .containsExactly(40.0, 50.0, 60.0);
    Report.Requirement privileged = report.requirements().stream()
        .filter(r -> r.id().equals("5.2.2")).findFirst().orElseThrow();
    assertThat(privileged.status()).isEqualTo(Report.FAIL);
    assertThat(privileged.failures()).hasSize(DEPLOYMENTS + 1);
    Report.Evidence e = privileged.failures().get(0);
    assertThat(e.resourceVersion()).isEqualTo("100");
    assertThat(e.path()).isEqualTo("spec.containers[0].securityContext.privileged");
    assertThat(e.value()).isEqualTo("true");
    assertThat(e.remediation()).isNotBlank();
    assertThat(report.requirements()).anySatisfy(r -> assertThat(r.suppressed())
        .singleElement().satisfies(s -> assertThat(s.exception()).isEqualTo(exception.id())));
    assertThat(report.exceptions()).singleElement().satisfies(x -> {
      assertThat(x.reason()).isEqualTo("kube-proxy needs the host network");
      assertThat(x.owner()).isEqualTo("platform@example.com");
      assertThat(x.expires()).isEqualTo("2026-12-31");
      assertThat(x.status()).isEqualTo("active");
      assertThat(x.suppressedFindings()).isEqualTo(1);
    });
    assertThat(report.requirements()).anySatisfy(r -> assertThat(r.status())
        .isEqualTo(Report.MANUAL));
    assertThat(report.summary().failingResources()).isEqualTo(DEPLOYMENTS + 1);
  }

  @Test
  void pdfReportIsAPaginatedDocument() throws Exception {
    byte[] pdf = ok("/api/v1/reports/cis?format=pdf&cluster=prod", "application/pdf").body();
    try (PDDocument doc = Loader.loadPDF(pdf)) {
      assertThat(doc.getNumberOfPages()).isGreaterThan(1);
      String text = new PDFTextStripper().getText(doc).replaceAll("\\s+", "");
      assertThat(text).contains("60.0").contains("Deployment/web/front-0")
          .contains("platform@example.com").contains("2026-12-31")
          .contains("2026-06-02T00:00:00Z").contains("<script>alert(1)</script>");
    }
  }

  @Test
  void htmlReportIsSelfContainedWithTheTrendChart() throws Exception {
    HttpResponse<byte[]> r = ok("/api/v1/reports/cis?cluster=prod", "text/html");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'none'");
    Document doc = Jsoup.parse(new String(r.body(), StandardCharsets.UTF_8));
    assertThat(doc.select("script, link, img, iframe")).isEmpty();
    assertThat(doc.select("[src], [href]")).isEmpty();
    assertThat(doc.select("svg polyline")).hasSize(1);
    assertThat(doc.text()).contains("<script>alert(1)</script>");
  }

  @Test
  void csvReportDefusesFormulas() throws Exception {
    String csv = new String(ok("/api/v1/reports/cis?format=csv&cluster=prod", "text/csv")
        .body(), StandardCharsets.UTF_8);
    assertThat(csv).startsWith("framework,requirement,");
    assertThat(csv).contains(",\"'=cmd|' /C calc'!A0,\"\"x\"\"\n<script>alert(1)</script>\",");
    assertThat(csv.lines().filter(l -> l.startsWith("=") || l.contains(",=")).toList()).isEmpty();
  }

  @Test
  void refusesBadRequestsWithClearErrors() throws Exception {
    assertThat(get("/api/v1/reports/cis?cluster=prod", null).statusCode()).isEqualTo(401);
    assertThat(error("/api/v1/reports/nope?cluster=prod", 404)).contains("no framework nope")
        .contains("cis").contains("pss-restricted");
    assertThat(error("/api/v1/reports/cis", 400)).contains("cluster").contains("prod, staging");
    assertThat(error("/api/v1/reports/cis?cluster=mars", 404)).contains("no cluster mars");
    assertThat(error("/api/v1/reports/cis?cluster=prod&format=docx", 400))
        .contains("html, pdf, csv, json");
  }

  private String error(String path, int status) throws Exception {
    HttpResponse<byte[]> r = get(path, ApiContract.VIEWER);
    assertThat(r.statusCode()).isEqualTo(status);
    JsonNode n = ApiContract.JSON.readTree(r.body());
    return n.get("error").asString();
  }
}
