package dev.plumbline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.report.Report;
import dev.plumbline.report.ReportFormat;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.server.ApiServer;
import dev.plumbline.server.ServerSettings;
import dev.plumbline.store.Posture;
import dev.plumbline.store.Scope;
import dev.plumbline.store.Store;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plumbline report}: from manifests and from a running server, every way it can fail. */
class ReportCommandTest {
  static final Path EXAMPLES = Path.of(System.getProperty("plumbline.repoRoot", ".."))
      .resolve("examples");
  static final String AT = "2026-06-15T10:30:00Z";

  @TempDir
  Path dir;

  private static CliTest.Run run(String... args) {
    return CliTest.run(args);
  }

  private static Report read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return ReportFormat.readJson(in);
    }
  }

  @Test
  void reportsTheExamplesWithEvidenceExceptionsAndProvenance() throws IOException {
    Path out = dir.resolve("cis.json");
    CliTest.Run r = run("report", "--framework", "cis", "--format", "json", "--produced-at", AT,
        "--exceptions", EXAMPLES.resolve("exceptions.yaml").toString(), "--output-file",
        out.toString(), EXAMPLES.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    Report report = read(out);
    assertThat(report.producedAt()).isEqualTo(Instant.parse(AT));
    assertThat(report.source().kind()).isEqualTo("manifests");
    assertThat(report.source().inputs()).containsExactly(EXAMPLES.toString());
    assertThat(report.framework().id()).isEqualTo("cis");
    assertThat(report.producer().plumblineVersion()).isNotBlank();
    assertThat(report.summary().failed()).isPositive();
    Report.Requirement failing = report.requirements().stream()
        .filter(q -> q.status().equals(Report.FAIL)).findFirst().orElseThrow();
    Report.Evidence e = failing.failures().get(0);
    assertThat(e.file()).startsWith(EXAMPLES.toString());
    assertThat(e.line()).isPositive();
    assertThat(e.message()).isNotBlank();
    assertThat(report.exceptions()).anySatisfy(x -> {
      assertThat(x.id()).isEqualTo("log-collector-host-access");
      assertThat(x.owner()).isEqualTo("platform-team@example.com");
      assertThat(x.expires()).isEqualTo("2027-03-31");
    });
    assertThat(report.requirements()).anySatisfy(q -> assertThat(q.status())
        .isEqualTo(Report.MANUAL));
    assertThat(report.trend().available()).isFalse();
  }

  @Test
  void writesTheSameHtmlEveryTimeAndEveryFormat() throws IOException {
    Path a = dir.resolve("a.html");
    Path b = dir.resolve("b.html");
    for (Path p : List.of(a, b)) {
      assertThat(run("report", "--framework", "pss-baseline", "--produced-at", AT,
          "--output-file", p.toString(), EXAMPLES.toString()).code()).isZero();
    }
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    assertThat(Files.readString(a)).startsWith("<!DOCTYPE html>").contains(AT);
    Path pdf = dir.resolve("sub/dir/r.pdf");
    assertThat(run("report", "--framework", "pss-baseline", "--format", "pdf",
        "--output-file", pdf.toString(), EXAMPLES.toString()).code()).isZero();
    assertThat(new String(Files.readAllBytes(pdf), 0, 5, StandardCharsets.US_ASCII))
        .isEqualTo("%PDF-");
    CliTest.Run csv = run("report", "--framework", "pss-baseline", "--format", "csv",
        EXAMPLES.toString());
    assertThat(csv.code()).isZero();
    assertThat(csv.out()).startsWith("framework,requirement,title,");
    try (var files = Files.list(pdf.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("r.pdf");
    }
  }

  @Test
  void unknownFrameworkOrFormatListsTheKnownOnes() {
    CliTest.Run r = run("report", "--framework", "sox", EXAMPLES.toString());
    assertThat(r.code()).isEqualTo(Main.ERROR);
    assertThat(r.err()).contains("unknown framework 'sox'").contains("cis").contains("mitre");
    CliTest.Run f = run("report", "--framework", "cis", "--format", "docx", EXAMPLES.toString());
    assertThat(f.code()).isEqualTo(Main.ERROR);
    assertThat(f.err()).contains("--format").contains("html, pdf, csv, json");
    assertThat(run("report", EXAMPLES.toString()).err()).contains("--framework");
    assertThat(run("report", "--framework", "cis").err()).contains("nothing to scan");
  }

  @Test
  void unwritableOutputFileIsNamed() throws IOException {
    Path blocker = Files.writeString(dir.resolve("file"), "x");
    Path under = blocker.resolve("report.html");
    CliTest.Run r = run("report", "--framework", "cis", "--output-file", under.toString(),
        EXAMPLES.toString());
    assertThat(r.code()).isEqualTo(Main.ERROR);
    assertThat(r.err()).contains("cannot write the report to " + under);
    CliTest.Run d = run("report", "--framework", "cis", "--output-file", dir.toString(),
        EXAMPLES.toString());
    assertThat(d.code()).isEqualTo(Main.ERROR);
    assertThat(d.err()).contains("cannot write the report to " + dir).contains("directory");
  }

  @Test
  void unreadableInputIsListedInTheReportAndExitsTwo() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "kind: Pod\nmetadata: [unclosed\n");
    Path out = dir.resolve("r.json");
    CliTest.Run r = run("report", "--framework", "cis", "--format", "json", "--output-file",
        out.toString(), bad.toString(), EXAMPLES.toString());
    assertThat(r.code()).isEqualTo(Main.ERROR);
    assertThat(r.err()).contains("bad.yaml");
    assertThat(read(out).incomplete()).anySatisfy(s -> assertThat(s).contains("bad.yaml"));
  }

  @Test
  void readsARunningServerWithItsTrend() throws Exception {
    Library library = Library.builtIn();
    Instant t0 = Instant.parse("2026-06-01T10:00:00Z");
    try (Store store = Store.embedded(dir.resolve("db"))) {
      List<Finding> open = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        open.add(privileged(library, new ResourceRef("apps/v1", "Deployment", "web",
            "front-" + i)));
      }
      store.reconcile("prod", Scope.cluster(), open, t0);
      store.reconcile("staging", Scope.cluster(), List.of(), t0);
      for (int i = 0; i < 2; i++) {
        store.recordSnapshot("prod", t0.plusSeconds(600L * i), new Posture(50, Map.of(), 0,
            Map.of("cis", new Posture.FrameworkPoint(70 + i, 3, 1, 0, 0)), Map.of()));
      }
      ServerSettings settings = ServerSettings.of("127.0.0.1", 0, List.of(
          new ServerSettings.ApiToken("auditor", "s3cret-token", ServerSettings.Role.VIEWER)));
      int port;
      try (ApiServer server = ApiServer.start(settings, store, library,
          new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true,
          Clock.fixed(t0.plusSeconds(3600), java.time.ZoneOffset.UTC))) {
        port = server.port();
        String url = "http://127.0.0.1:" + port;
        Path out = dir.resolve("server.json");
        CliTest.Run r = run("report", "--framework", "cis", "--format", "json", "--server", url,
            "--token", "s3cret-token", "--cluster-name", "prod", "--output-file",
            out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        Report report = read(out);
        assertThat(report.source().kind()).isEqualTo("server");
        assertThat(report.source().server()).isEqualTo(url);
        assertThat(report.source().cluster()).isEqualTo("prod");
        assertThat(report.trend().points()).extracting(Report.TrendPoint::score)
            .containsExactly(70.0, 71.0);
        assertThat(report.summary().score()).isEqualTo(71.0);
        assertThat(report.requirements()).anySatisfy(q -> {
          assertThat(q.status()).isEqualTo(Report.FAIL);
          assertThat(q.failures()).hasSize(3);
        });
        assertThat(Files.readString(out)).doesNotContain("s3cret-token");

        CliTest.Run several = run("report", "--framework", "cis", "--server", url, "--token",
            "s3cret-token");
        assertThat(several.code()).isEqualTo(Main.ERROR);
        assertThat(several.err()).contains("cluster").contains("prod, staging");
        CliTest.Run wrong = run("report", "--framework", "cis", "--server", url, "--token",
            "nope", "--cluster-name", "prod");
        assertThat(wrong.code()).isEqualTo(Main.ERROR);
        assertThat(wrong.err()).contains("401").contains("not valid");
        CliTest.Run none = run("report", "--framework", "cis", "--server", url,
            "--cluster-name", "prod");
        assertThat(none.code()).isEqualTo(Main.ERROR);
        assertThat(none.err()).contains("401").contains("PLUMBLINE_TOKEN");
        CliTest.Run unknown = run("report", "--framework", "sox", "--server", url, "--token",
            "s3cret-token", "--cluster-name", "prod");
        assertThat(unknown.code()).isEqualTo(Main.ERROR);
        assertThat(unknown.err()).contains("no framework sox").contains("cis");
      }
      CliTest.Run gone = run("report", "--framework", "cis", "--server",
          "http://127.0.0.1:" + port, "--token", "s3cret-token", "--cluster-name", "prod");
      assertThat(gone.code()).isEqualTo(Main.ERROR);
      assertThat(gone.err()).contains("cannot reach the server at http://127.0.0.1:" + port);
    }
  }

  @Test
  void serverAndScanOptionsDoNotMix() {
    CliTest.Run r = run("report", "--framework", "cis", "--server", "http://localhost:1",
        EXAMPLES.toString());
    assertThat(r.code()).isEqualTo(Main.ERROR);
    assertThat(r.err()).contains("--server").contains("PATH");
    assertThat(run("report", "--framework", "cis", "--token", "t", EXAMPLES.toString()).err())
        .contains("--token needs --server");
    assertThat(run("report", "--framework", "cis", "--server", "ftp://x").err())
        .contains("expected http://HOST:PORT");
  }

  @Test
  void scanOptionsFailAsTheyDoForScan() {
    for (String command : List.of("scan", "report")) {
      List<String> base = command.equals("report") ? List.of("report", "--framework", "cis")
          : List.of("scan");
      CliTest.Run controls = run(concat(base, "--controls", "/no/such/dir", EXAMPLES.toString()));
      assertThat(controls.code()).as(command).isEqualTo(Main.ERROR);
      assertThat(controls.err()).as(command).contains("--controls: '/no/such/dir' is not a "
          + "directory");
      CliTest.Run pss = run(concat(base, "--pss-version", "v9.99", EXAMPLES.toString()));
      assertThat(pss.code()).as(command).isEqualTo(Main.ERROR);
      assertThat(pss.err()).as(command).contains("--pss-version");
      CliTest.Run exceptions = run(concat(base, "--exceptions", "/no/such.yaml",
          EXAMPLES.toString()));
      assertThat(exceptions.code()).as(command).isEqualTo(Main.ERROR);
      assertThat(exceptions.err()).as(command).contains("--exceptions");
      CliTest.Run both = run(concat(base, "--cluster", EXAMPLES.toString()));
      assertThat(both.err()).as(command).contains("give one or the other");
    }
  }

  private static String[] concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all.toArray(String[]::new);
  }

  private static Finding privileged(Library library, ResourceRef r) {
    Control c = library.control("privileged-containers");
    FieldPath p = FieldPath.parse("spec.template.spec.containers[0].securityContext.privileged");
    return new Finding(Finding.idOf(c.id(), r, p), c, c.severity(), r, p, true,
        "privileged", Origin.live("42"), 0, FieldPath.ROOT, List.of());
  }
}
