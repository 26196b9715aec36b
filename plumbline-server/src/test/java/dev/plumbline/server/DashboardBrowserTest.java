package dev.plumbline.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.Suppressed;
import dev.plumbline.store.Scope;
import dev.plumbline.store.Store;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium (Debian's chromium and chromedriver), against a
 * server with seeded data. Without Chromium these tests fail: CI installs it (.ci/run).
 * Screenshots go to target/screenshots.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
  static final Path CHROMIUM = Path.of(System.getProperty("plumbline.chromium",
      "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("plumbline.chromedriver",
      "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  @TempDir
  static Path dir;

  Store store;
  ApiServer server;
  String base;
  WebDriver browser;
  ChromeDriverService service;

  @BeforeAll
  void start() throws IOException {
    store = Store.embedded(dir.resolve("data"));
    DashboardSeed.seed(store);
    server = ApiServer.start(ApiContract.settings(false), store, Seed.LIBRARY,
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), () -> true,
        Clock.fixed(DashboardSeed.NOW, ZoneOffset.UTC));
    base = "http://127.0.0.1:" + server.port();
    Files.createDirectories(SCREENSHOTS);
    service = chromedriver();
    browser = chromium(service, dir.resolve("profile"));
  }

  /** The chromedriver service of Debian's package; fails (not skips) when it is missing. */
  static ChromeDriverService chromedriver() {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new AssertionError("the browser tests need Chromium and chromedriver at " + CHROMIUM
          + " and " + CHROMEDRIVER + " (Debian: apt-get install chromium chromium-driver;"
          + " .ci/run installs them)");
    }
    return new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
  }

  /**
   * A headless Chromium with a fresh profile, that makes no connection of its own (no
   * component updates, sync or background networking: this network refuses them).
   */
  static WebDriver chromium(ChromeDriverService service, Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath());
    return new ChromeDriver(service, options);
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }

  void screenshot(String name) throws IOException {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"),
        StandardCopyOption.REPLACE_EXISTING);
  }

  WebElement find(String css) {
    return browser.findElement(By.cssSelector(css));
  }

  /** Waits for the page a form submission or link leads to (the click may return earlier). */
  WebElement await(String css) {
    try {
      return new WebDriverWait(browser, Duration.ofSeconds(15))
          .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(css)));
    } catch (org.openqa.selenium.TimeoutException e) {
      throw new AssertionError("no " + css + " on " + browser.getCurrentUrl() + ": "
          + browser.findElement(By.tagName("main")).getText(), e);
    }
  }

  void awaitUrl(String part) {
    new WebDriverWait(browser, Duration.ofSeconds(15)).until(ExpectedConditions.urlContains(part));
  }

  List<String> texts(String css) {
    return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
  }

  @Test
  @Order(1)
  void signsInAndShowsTheOverviewWithScoreAndChart() throws IOException {
    browser.get(base + "/?cluster=prod");
    assertThat(browser.getCurrentUrl()).contains("/signin");
    find("#token").sendKeys(ApiContract.ADMIN);
    find("form.signin button[type=submit]").click();
    assertThat(await("#posture-score").getText()).isEqualTo("70.0");
    assertThat(browser.getCurrentUrl()).isEqualTo(base + "/?cluster=prod");
    WebElement chart = find("figure.trend svg.chart");
    assertThat(chart.isDisplayed()).isTrue();
    assertThat(chart.getSize().getHeight()).isGreaterThan(100);
    assertThat(chart.findElement(By.cssSelector("path.line")).getAttribute("d")).contains("L");
    assertThat(texts(".user span")).containsExactly("alice (admin)");
    screenshot("overview");
  }

  @Test
  @Order(2)
  void filtersFindingsBySeverity() throws IOException {
    browser.get(base + "/findings?cluster=prod");
    int all = browser.findElements(By.cssSelector("table.findings tbody tr")).size();
    new Select(find("#f-severity")).selectByValue("critical");
    find("form.filters button[type=submit]").click();
    awaitUrl("severity=critical");
    await("table.findings");
    List<String> severities = texts("table.findings tbody .sev");
    assertThat(severities).isNotEmpty().hasSizeLessThan(all);
    assertThat(severities).allMatch(s -> s.equalsIgnoreCase("critical"));
    screenshot("findings-critical");
  }

  @Test
  @Order(3)
  void creatingAnExceptionSuppressesTheFindingAndListsIt() throws IOException {
    ResourceRef api = Seed.pod("web", "api");
    browser.get(base + "/findings?cluster=prod&control=" + Seed.TAGS + "&namespace=web");
    List<String> before = texts("table.findings tbody td:nth-child(3)");
    assertThat(before).contains("Pod web/api");
    browser.findElements(By.cssSelector("table.findings tbody tr")).stream()
        .filter(r -> r.getText().contains("Pod web/api")).findFirst().orElseThrow()
        .findElement(By.cssSelector("td:nth-child(2) a")).click();
    assertThat(await("#evidence-path").getText()).isEqualTo("spec.containers[0].image");
    find("#e-reason").sendKeys("internal mirror pins this tag");
    find("#e-owner").clear();
    find("#e-owner").sendKeys("web-team");
    screenshot("finding-exception-form");
    find("form.exception button[type=submit]").click();
    assertThat(await("[role=status]").getText()).contains("Saved");
    String exceptionUrl = browser.getCurrentUrl();

    // the monitor's next check applies the stored exceptions (here done as the monitor does)
    applyStoredExceptions("prod", api, List.of(Seed.host(api), Seed.tags(api)));

    browser.get(base + "/findings?cluster=prod&control=" + Seed.TAGS + "&namespace=web");
    assertThat(texts("table.findings tbody td:nth-child(3)")).doesNotContain("Pod web/api");
    browser.get(base + "/findings?cluster=prod&status=suppressed");
    assertThat(texts("table.findings tbody td:nth-child(3)")).containsExactly("Pod web/api");
    browser.get(base + "/exceptions?cluster=prod");
    assertThat(texts("table.exceptions tbody th")).anyMatch(
        t -> t.contains("internal mirror pins this tag"));
    assertThat(texts("table.audit tbody td:nth-child(4)")).contains("alice");
    browser.get(exceptionUrl);
    assertThat(find("dl.facts").getText()).contains("web-team").contains("names api");
    screenshot("exceptions");
  }

  /** What the monitor does when the stored exceptions change: judges the resource again. */
  private void applyStoredExceptions(String cluster, ResourceRef resource, List<Finding> found) {
    ExceptionSet set = store.exceptionSet(cluster);
    List<Finding> open = new ArrayList<>();
    List<Suppressed> suppressed = new ArrayList<>();
    for (Finding f : found) {
      PolicyException e = set.match(f.control().id(), List.of(), f.resource(), Map.of(),
          LocalDate.ofInstant(DashboardSeed.NOW, ZoneOffset.UTC));
      if (e == null) {
        open.add(f);
      } else {
        suppressed.add(new Suppressed(f, e));
      }
    }
    assertThat(suppressed).hasSize(1);
    store.reconcile(cluster, Scope.resources(resource), open, suppressed,
        DashboardSeed.NOW.minus(Duration.ofMinutes(1)));
  }

  @Test
  @Order(4)
  void complianceListsRequirementsAndTheReportDownloads() throws IOException {
    browser.get(base + "/compliance?cluster=prod");
    browser.findElement(By.linkText(Seed.LIBRARY.framework("pss-baseline").title())).click();
    await("table.requirements");
    assertThat(browser.findElements(By.cssSelector("table.requirements tbody tr")))
        .hasSize(Seed.LIBRARY.framework("pss-baseline").requirements().size());
    assertThat(texts("table.requirements .req")).contains("fail");
    assertThat(find("a.button").getAttribute("href"))
        .isEqualTo(base + "/api/v1/reports/pss-baseline?format=html&cluster=prod");
    screenshot("compliance");

    // The report downloads: a click on the PDF link, with the session's cookie (no token).
    Path downloads = dir.resolve("downloads");
    Files.createDirectories(downloads);
    ((org.openqa.selenium.chromium.HasCdp) browser).executeCdpCommand(
        "Browser.setDownloadBehavior", java.util.Map.of("behavior", "allow", "downloadPath",
            downloads.toAbsolutePath().toString()));
    find("a[href*='format=pdf']").click();
    Path report = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (report == null && System.nanoTime() < deadline) {
      try (var files = Files.list(downloads)) {
        report = files.filter(f -> f.toString().endsWith(".pdf")).findFirst().orElse(null);
      }
      if (report == null) {
        Thread.onSpinWait();
      }
    }
    assertThat(report).as("a PDF report downloaded into " + downloads).isNotNull();
    byte[] bytes = Files.readAllBytes(report);
    assertThat(new String(bytes, 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("%PDF-");
    assertThat(bytes.length).isGreaterThan(1000);
  }

  @Test
  @Order(5)
  void worksOnANarrowScreenAndByKeyboard() throws IOException {
    browser.manage().window().setSize(new Dimension(375, 812));
    try {
      for (String path : List.of("/?cluster=prod", "/findings?cluster=prod",
          "/compliance/cis?cluster=prod", "/findings/" + DashboardSeed.EVIL_ID
              + "?cluster=prod")) {
        browser.get(base + path);
        long viewport = (Long) ((JavascriptExecutor) browser).executeScript(
            "return document.documentElement.clientWidth;");
        long page = (Long) ((JavascriptExecutor) browser).executeScript(
            "return document.documentElement.scrollWidth;");
        assertThat(page).as(path + ": the page scrolls sideways").isLessThanOrEqualTo(viewport);
      }
      browser.get(base + "/findings?cluster=prod");
      assertThat(find("table.findings thead").isDisplayed()).isFalse();
      assertThat(find("#f-q").getSize().getWidth()).isLessThanOrEqualTo(375);
      screenshot("findings-narrow");
      browser.get(base + "/?cluster=prod");
      screenshot("overview-narrow");
      find("body").sendKeys(Keys.TAB);
      WebElement focused = browser.switchTo().activeElement();
      assertThat(focused.getAttribute("class")).isEqualTo("skip");
      assertThat(focused.isDisplayed()).isTrue();
      assertThat(focused.getCssValue("outline-style")).isEqualTo("solid");
    } finally {
      browser.manage().window().setSize(new Dimension(1280, 900));
    }
  }
}
