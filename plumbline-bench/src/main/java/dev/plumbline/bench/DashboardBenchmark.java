package dev.plumbline.bench;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.control.Severity;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.server.ApiServer;
import dev.plumbline.server.ServerSettings;
import dev.plumbline.store.ExceptionSpec;
import dev.plumbline.store.Posture;
import dev.plumbline.store.Scope;
import dev.plumbline.store.Store;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Seeds an embedded (H2) store with findings of the built-in library, serves the dashboard,
 * loads its pages in headless Chromium and prints the Navigation Timing of each page: time to
 * the first byte (the server's work) and to the load event (the page usable), p50 and p95. A
 * program, not a test. See README.md, Performance.
 *
 * <pre>
 * java -cp plumbline-bench/target/plumbline-bench.jar dev.plumbline.bench.DashboardBenchmark \
 *   [--findings 100000] [--runs 20] [--chromium /usr/bin/chromium]
 *   [--chromedriver /usr/bin/chromedriver]
 * </pre>
 */
public final class DashboardBenchmark {
  private static final String[] KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Pod", "Job"};

  private DashboardBenchmark() {}

  public static void main(String[] args) throws Exception {
    int total = 100_000;
    int runs = 20;
    Path chromium = Path.of("/usr/bin/chromium");
    Path chromedriver = Path.of("/usr/bin/chromedriver");
    Path data = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--findings" -> total = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--chromium" -> chromium = Path.of(args[++i]);
        case "--chromedriver" -> chromedriver = Path.of(args[++i]);
        case "--data" -> data = Path.of(args[++i]);
        default -> {
          System.err.println("unknown argument " + args[i] + " (known: --findings N, --runs N,"
              + " --chromium PATH, --chromedriver PATH, --data DIR)");
          System.exit(2);
        }
      }
    }
    if (!Files.isExecutable(chromium) || !Files.isExecutable(chromedriver)) {
      System.err.println("needs Chromium and chromedriver at " + chromium + " and "
          + chromedriver + " (Debian: apt-get install chromium chromium-driver)");
      System.exit(2);
    }
    Path work = Files.createTempDirectory("plumbline-dashboard-bench-");
    Library library = Library.builtIn();
    Instant now = Instant.now();
    System.out.printf("findings: %,d, runs per page: %d, cores: %d, java %s%n", total, runs,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
    WebDriver browser = null;
    boolean seeded = data != null && Files.exists(data.resolve("plumbline.mv.db"));
    try (Store store = Store.embedded(data != null ? data : work.resolve("data"));
        ApiServer server = ApiServer.start(ServerSettings.of("127.0.0.1", 0, List.of())
            .withDemo(true), store, library,
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true,
            Clock.systemUTC())) {
      String firstId;
      if (seeded) {
        firstId = store.findings(dev.plumbline.store.FindingQuery.all().cluster("prod")
            .page(500, 1)).items().get(0).id();
        System.out.println("reusing the store in " + data);
      } else {
        firstId = seed(store, library, total, now);
      }
      overviewQueries(store, library, runs);
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
          "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--window-size=1280,900", "--user-data-dir=" + work.resolve("profile"));
      browser = new ChromeDriver(service, options);
      time(browser, "http://127.0.0.1:" + server.port(), runs, firstId);
    } finally {
      if (browser != null) {
        browser.quit();
      }
      service.stop();
      try (var paths = Files.walk(work)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Seeds findings (90% in prod), 720 hourly snapshots, exceptions and alerts. */
  private static String seed(Store store, Library library, int total, Instant now) {
    List<Control> controls = library.controls().stream()
        .filter(c -> c.pss() != null || c.frameworks().containsKey("nsa-cisa")).toList();
    Random random = new Random(42);
    long start = System.nanoTime();
    int prodCount = total * 9 / 10;
    List<Finding> prod = findings(controls, random, prodCount, "app");
    Instant t0 = now.minus(Duration.ofHours(2));
    store.reconcile("prod", Scope.cluster(), prod, t0);
    store.reconcile("staging", Scope.cluster(),
        findings(controls, random, total - prodCount, "svc"), t0);
    for (int h = 0; h < 720; h++) {
      Map<String, Posture.FrameworkPoint> fw = new LinkedHashMap<>();
      library.frameworks().forEach(f -> fw.put(f.id(),
          new Posture.FrameworkPoint(50 + random.nextDouble() * 50, 10, 2, 1, 0)));
      Map<String, Map<Severity, Integer>> ns = new LinkedHashMap<>();
      for (int n = 0; n < 200; n++) {
        ns.put("ns-" + n, Map.of(Severity.HIGH, random.nextInt(50)));
      }
      store.recordSnapshot("prod", now.minus(Duration.ofHours(720 - h)), new Posture(
          60 + random.nextDouble() * 40, Map.of(Severity.CRITICAL, random.nextInt(100)), 40, fw,
          ns));
    }
    for (int i = 0; i < 20; i++) {
      store.createException(new ExceptionSpec(List.of("prod"),
          List.of(controls.get(i).id()), List.of("ns-" + i), List.of(), List.of(), Map.of(),
          "accepted for the benchmark", "bench", LocalDate.ofInstant(now, ZoneOffset.UTC)
              .plusDays(i)), "bench", now);
    }
    System.out.printf("seeded %,d findings (%d controls), 720 snapshots in %,d ms%n", total,
        controls.size(), (System.nanoTime() - start) / 1_000_000);
    return prod.get(prod.size() / 2).id();
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

  /** The store reads behind the overview, each timed alone (in-process, no HTTP). */
  private static void overviewQueries(Store store, Library library, int runs) {
    Instant now = Instant.now();
    Instant from = now.minus(Duration.ofDays(30));
    dev.plumbline.store.FindingQuery open = dev.plumbline.store.FindingQuery.all()
        .cluster("prod").statuses(dev.plumbline.store.FindingStatus.OPEN);
    Map<String, Runnable> queries = new LinkedHashMap<>();
    queries.put("posture trend, 30 days", () -> store.postureTrend("prod", from, now));
    queries.put("every framework's trend, 7 days", () -> library.frameworks()
        .forEach(f -> store.trend("prod", f.id(), now.minus(Duration.ofDays(7)), now)));
    queries.put("open counts by severity", () -> store.countFindings(open,
        dev.plumbline.store.FindingQuery.GroupBy.SEVERITY));
    queries.put("open counts by namespace", () -> store.countFindings(open,
        dev.plumbline.store.FindingQuery.GroupBy.NAMESPACE));
    queries.put("open counts by control", () -> store.countFindings(open,
        dev.plumbline.store.FindingQuery.GroupBy.CONTROL));
    queries.put("events of a day and a week, counted", () -> {
      store.countEvents("prod", now.minus(Duration.ofDays(1)), now);
      store.countEvents("prod", now.minus(Duration.ofDays(7)), now.minus(Duration.ofDays(1)));
    });
    queries.put("the 1,000 worst open findings", () -> store.findings(open.page(0, 1000)));
    System.out.printf("%-42s %9s %9s%n", "overview query (in-process, H2)", "p50 ms", "p95 ms");
    queries.forEach((name, q) -> {
      for (int i = 0; i < 3; i++) {
        q.run();
      }
      double[] ms = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t = System.nanoTime();
        q.run();
        ms[i] = (System.nanoTime() - t) / 1e6;
      }
      System.out.printf(Locale.ROOT, "%-42s %9.1f %9.1f%n", name, pct(ms, 50), pct(ms, 95));
    });
  }

  private record Target(String name, IntFunction<String> path) {}

  private static void time(WebDriver browser, String base, int runs, String findingId) {
    List<Target> targets = List.of(
        new Target("overview", i -> "/?cluster=prod"),
        new Target("findings, page 1", i -> "/findings?cluster=prod"),
        new Target("findings, page n (offset up to 10,000)",
            i -> "/findings?cluster=prod&offset=" + (i % 200) * 50),
        new Target("findings, last page", i -> "/findings?cluster=prod&offset=89950"),
        new Target("findings of one namespace", i -> "/findings?cluster=prod&namespace=ns-"
            + (i % 200)),
        new Target("findings, critical, sorted by last seen",
            i -> "/findings?cluster=prod&severity=critical&sort=lastSeen&order=desc"),
        new Target("findings, search", i -> "/findings?cluster=prod&q=app-" + (i * 37 % 9000)),
        new Target("findings grouped by control", i -> "/findings?cluster=prod&group=control"),
        new Target("one finding", i -> "/findings/" + findingId + "?cluster=prod"),
        new Target("compliance, pss-baseline", i -> "/compliance/pss-baseline?cluster=prod"),
        new Target("compliance, cis", i -> "/compliance/cis?cluster=prod"),
        new Target("exceptions", i -> "/exceptions?cluster=prod"),
        new Target("controls", i -> "/controls"));
    System.out.printf("%-42s %9s %9s %9s %9s%n", "page (Chromium, H2)", "TTFB p50",
        "TTFB p95", "load p50", "load p95");
    for (Target t : targets) {
      for (int i = 0; i < 3; i++) {
        load(browser, base + t.path().apply(1000 + i));
      }
      double[] ttfb = new double[runs];
      double[] loaded = new double[runs];
      for (int i = 0; i < runs; i++) {
        double[] m = load(browser, base + t.path().apply(i));
        ttfb[i] = m[0];
        loaded[i] = m[1];
      }
      System.out.printf(Locale.ROOT, "%-42s %9.1f %9.1f %9.1f %9.1f%n", t.name(),
          pct(ttfb, 50), pct(ttfb, 95), pct(loaded, 50), pct(loaded, 95));
    }
  }

  /** Loads a page; answers [responseStart, loadEventEnd] of its Navigation Timing, in ms. */
  private static double[] load(WebDriver browser, String url) {
    browser.get(url);
    Object result = ((JavascriptExecutor) browser).executeScript(
        "const n = performance.getEntriesByType('navigation')[0];"
            + " return [n.responseStart - n.startTime, n.loadEventEnd - n.startTime,"
            + " n.responseStatus || 200];");
    List<?> values = (List<?>) result;
    int status = ((Number) values.get(2)).intValue();
    if (status != 200) {
      throw new IllegalStateException(url + " answered " + status);
    }
    return new double[] {((Number) values.get(0)).doubleValue(),
        ((Number) values.get(1)).doubleValue()};
  }

  private static double pct(double[] values, int p) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }
}
