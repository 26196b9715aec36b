package dev.plumbline.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.fixture.FixtureRunner;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in library runs on {@link CelPlan}, not on cel-java's interpreter: every expression
 * must be planned, and on every input the project has (each control's fixtures, the real-world
 * corpus, the Pod Security Standards conformance fixtures, the examples) the
 * planned evaluation must give exactly what the interpreter gives, error for error.
 */
class PlannedCelTest {
  private static final List<String> mismatches = new ArrayList<>();

  @BeforeAll
  static void crossCheck() {
    CelSupport.crossCheck(mismatches);
  }

  @AfterAll
  static void stop() {
    CelSupport.crossCheck(null);
  }

  @Test
  void everyExpressionOfTheBuiltInLibraryIsPlanned() {
    List<String> interpreted = new ArrayList<>();
    int expressions = 0;
    for (Control c : Library.builtIn().controls()) {
      for (Control.Variant v : c.variants()) {
        expressions++;
        if (!CelSupport.get().compile(c.target(), v.expression(), v.listsViolations()
            ? CelSupport.Result.LIST : CelSupport.Result.BOOL).planned()) {
          interpreted.add(c.id() + " (since " + v.since() + ")");
        }
      }
      if (c.when() != null) {
        expressions++;
        if (!CelSupport.get().compile(c.target(), c.when().expression(),
            CelSupport.Result.BOOL).planned()) {
          interpreted.add(c.id() + " (when)");
        }
      }
      Guard skipWhen = c.remediation().skipWhen();
      if (skipWhen != null) {
        expressions++;
        if (!CelSupport.get().compile(c.target(), skipWhen.expression(),
            CelSupport.Result.BOOL).planned()) {
          interpreted.add(c.id() + " (remediation.skipWhen)");
        }
      }
    }
    assertThat(expressions).isGreaterThan(100);
    assertThat(interpreted).as("expressions left to the interpreter").isEmpty();
  }

  @Test
  void fixturesGiveTheSameResultsPlannedAndInterpreted() {
    int fixtures = 0;
    for (Control c : Library.builtIn().controls()) {
      fixtures += FixtureRunner.run(c).size();
    }
    assertThat(fixtures).isGreaterThan(300);
    assertThat(mismatches).isEmpty();
  }

  @Test
  void corpusConformanceAndExamplesGiveTheSameResults() throws IOException {
    Path root = Path.of(System.getProperty("plumbline.repoRoot", "..")).normalize();
    Library library = Library.builtIn();
    int judged = 0;
    for (String dir : List.of("plumbline-library/src/test/resources/corpus",
        "plumbline-library/src/test/resources/pss-conformance",
        "plumbline-library/src/test/resources/network", "examples")) {
      ManifestReader.Result read = new ManifestReader().read(
          List.of(root.resolve(dir).toString()), InputStream.nullInputStream());
      // The conformance fixtures at the first, a middle and the latest policy version (each
      // version's exact verdicts are PssConformanceTest's business).
      List<PolicyVersion> versions = dir.contains("pss") ? List.of(PolicyVersion.FIRST,
          PolicyVersion.parse("v1.25"), PolicyVersion.LATEST) : List.of(PolicyVersion.LATEST);
      for (PolicyVersion version : versions) {
        ScanOptions options = ScanOptions.of(Selection.resolve(library, List.of(), List.of(),
            null, Map.of())).withPssVersion(version);
        ScanResult result = new Scanner(options).scan(read);
        judged += result.judged().size();
      }
    }
    assertThat(judged).isGreaterThan(1000);
    assertThat(mismatches).isEmpty();
  }
}
