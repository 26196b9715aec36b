package dev.plumbline.server;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.control.Severity;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.store.Posture;
import dev.plumbline.store.Scope;
import dev.plumbline.store.Store;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Seeds an embedded (H2) store with 100,000 findings of the built-in library and times the
 * dashboard's queries through HTTP (issue 5 asks for p95 of at most 300 ms). A program, not a
 * test: it prints figures and asserts nothing. See docs/serve.md.
 *
 * <pre>
 * java -cp ... dev.plumbline.server.ServerBenchmark [findings] [runs]
 * </pre>
 */
public final class ServerBenchmark {
  private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
  private static final String[] KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Pod", "Job"};
  private static final String TOKEN = "benchmark-viewer-token";

  private ServerBenchmark() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Path work = Files.createTempDirectory("plumbline-server-bench-");
    Library library = Library.builtIn();
    Instant now = T0.plus(Duration.ofHours(3));
    System.out.printf("findings: %,d, runs per query: %d, cores: %d, java %s%n", total, runs,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try (Store store = Store.embedded(work.resolve("data"));
        ApiServer server = ApiServer.start(ServerSettings.of("127.0.0.1", 0, List.of(
            new ServerSettings.ApiToken("bench", TOKEN, ServerSettings.Role.VIEWER))), store,
            library, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true,
            Clock.fixed(now, java.time.ZoneOffset.UTC))) {
      seed(store, library, total);
      time(server.port(), runs);
    } finally {
      try (var paths = Files.walk(work)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void seed(Store store, Library library, int total) {
    List<Control> controls = library.controls().stream()
        .filter(c -> c.pss() != null || c.frameworks().containsKey("nsa-cisa")).toList();
    Random random = new Random(42);
    long start = System.nanoTime();
    int prodCount = total * 9 / 10;
    store.reconcile("prod", Scope.cluster(), findings(controls, random, prodCount, "app"), T0);
    store.reconcile("staging", Scope.cluster(),
        findings(controls, random, total - prodCount, "svc"), T0);
    for (int h = 0; h < 720; h++) {
      Map<String, Posture.FrameworkPoint> fw = new LinkedHashMap<>();
      library.frameworks().forEach(f -> fw.put(f.id(),
          new Posture.FrameworkPoint(50 + random.nextDouble() * 50, 10, 2, 1, 0)));
      Map<String, Map<Severity, Integer>> ns = new LinkedHashMap<>();
      for (int n = 0; n < 200; n++) {
        ns.put("ns-" + n, Map.of(Severity.HIGH, random.nextInt(50)));
      }
      store.recordSnapshot("prod", T0.minus(Duration.ofHours(720 - h)), new Posture(
          60 + random.nextDouble() * 40, Map.of(Severity.CRITICAL, random.nextInt(100)), 40, fw,
          ns));
    }
    System.out.printf("seeded %,d findings (%d controls) and 720 snapshots in %,d ms%n", total,
        controls.size(), (System.nanoTime() - start) / 1_000_000);
  }

  private static List<Finding> findings(List<Control> controls, Random random, int count,
      String prefix) {
    List<Finding> out = new ArrayList<>(count);
    int resource = 0;
    while (out.size() < count) {
      String ns = "ns-" + random.nextInt(200);
      String kind = KINDS[random.nextInt(KINDS.length)];
      ResourceRef ref = new ResourceRef(kind.equals("Pod") ? "v1" : "apps/v1", kind, ns,
          prefix + "-" + resource++);
      int n = 1 + random.nextInt(7);
      for (int j = 0; j < n && out.size() < count; j++) {
        Control c = controls.get(random.nextInt(controls.size()));
        FieldPath path = FieldPath.parse("spec.template.spec.containers[" + j
            + "].securityContext.setting" + random.nextInt(3));
        out.add(new Finding(Finding.idOf(c.id(), ref, path), c, c.severity(), ref, path,
            random.nextBoolean(), "Container \"c" + j + "\" of " + ref.name() + " breaks "
                + c.title().toLowerCase(Locale.ROOT) + ".",
            Origin.live(String.valueOf(100_000 + random.nextInt(900_000))), 0, FieldPath.ROOT,
            List.of()));
      }
    }
    return out;
  }

  /** Each query: 5 warm-up runs, then {@code runs} timed ones, each with other values. */
  private static void time(int port, int runs) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + port;
    Map<String, IntFunction<String>> queries = new LinkedHashMap<>();
    queries.put("findings of prod, worst first, page n", i ->
        "/api/v1/findings?cluster=prod&limit=50&offset=" + 50 * i);
    queries.put("findings, last seen first, page n", i ->
        "/api/v1/findings?cluster=prod&sort=lastSeen&order=desc&offset=" + 50 * i);
    queries.put("findings, critical+high, page n", i ->
        "/api/v1/findings?cluster=prod&severity=critical,high&offset=" + 50 * i);
    queries.put("findings of one namespace", i -> "/api/v1/findings?cluster=prod&namespace=ns-"
        + i);
    queries.put("findings of framework cis, page n", i ->
        "/api/v1/findings?cluster=prod&framework=cis&offset=" + 50 * i);
    queries.put("findings, free text", i -> "/api/v1/findings?cluster=prod&q=app-" + (i * 37));
    queries.put("findings by cursor, page 200 + n", i ->
        "/api/v1/findings?cluster=prod&cursor=" + Api.cursor(10_000 + 50 * i));
    queries.put("one finding with history", null);
    queries.put("resources of one namespace", i -> "/api/v1/resources?cluster=prod&namespace=ns-"
        + i);
    queries.put("one resource (apiVersion found)", null);
    queries.put("clusters", i -> "/api/v1/clusters");
    queries.put("compliance of pss-baseline", i ->
        "/api/v1/frameworks/pss-baseline/compliance?cluster=prod");
    queries.put("compliance of cis", i -> "/api/v1/frameworks/cis/compliance?cluster=prod");
    queries.put("posture trend, 30 days", i -> "/api/v1/history/trends?cluster=prod");
    queries.put("namespace posture", i -> "/api/v1/history/namespaces?cluster=prod");
    queries.put("metrics scrape", i -> "/metrics");
    tools.jackson.databind.JsonNode first = first(http, base);
    String oneFinding = first.get("id").asString();
    tools.jackson.databind.JsonNode r = first.get("resource");
    queries.put("one resource (apiVersion found)", i -> "/api/v1/resources/"
        + r.get("kind").asString() + "/" + r.get("namespace").asString() + "/"
        + r.get("name").asString() + "?cluster=prod");
    queries.put("one finding with history", i -> "/api/v1/findings/" + oneFinding
        + "?cluster=prod");
    System.out.printf("%-40s %8s %8s %8s%n", "query (HTTP, H2)", "p50 ms", "p95 ms", "max ms");
    for (Map.Entry<String, IntFunction<String>> q : queries.entrySet()) {
      for (int i = 0; i < 5; i++) {
        get(http, base + q.getValue().apply(runs + i));
      }
      double[] ms = new double[runs];
      for (int i = 0; i < runs; i++) {
        long start = System.nanoTime();
        get(http, base + q.getValue().apply(i));
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
      Arrays.sort(ms);
      System.out.printf("%-40s %8.1f %8.1f %8.1f%n", q.getKey(), ms[runs / 2],
          ms[(int) Math.ceil(runs * 0.95) - 1], ms[runs - 1]);
    }
  }

  private static tools.jackson.databind.JsonNode first(HttpClient http, String base) {
    String body = get(http, base + "/api/v1/findings?cluster=prod&limit=1");
    return tools.jackson.databind.json.JsonMapper.builder().build().readTree(body)
        .get("items").get(0);
  }

  private static String get(HttpClient http, String url) {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
          .header("Authorization", "Bearer " + TOKEN).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200 && r.statusCode() != 404) {
        throw new IllegalStateException(url + " -> " + r.statusCode() + " " + r.body());
      }
      return r.body();
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(url + ": " + e, e);
    }
  }
}
