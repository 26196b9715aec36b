package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Framework;
import dev.plumbline.control.Inventory;
import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.Scanner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Agreement with upstream Pod Security Admission: every official fixture
 * ({@code <level>/v1.<N>/<pass|fail>/<file>.yaml}) is scanned with every built-in control at its
 * policy version, and the verdict of the {@code pss-<level>} framework must match the folder: a
 * {@code pass} fixture fails no control that counts toward the framework at that version, a
 * {@code fail} fixture fails at least one.
 *
 * <p>A control "fails" a fixture when it found a problem, even if the finding itself is reported
 * by a restricted control that overrides it on the same field; that is how frameworks are scored
 * ({@link Library#frameworkControls}) and how Pod Security Admission runs a restricted check in
 * place of the baseline check it supersedes.
 *
 * <p>The fixtures are vendored in {@code src/test/resources/pss-conformance} (upstream
 * kubernetes/pod-security-admission {@code test/testdata}, Apache-2.0), so CI needs nothing
 * outside the repository. The system property {@code plumbline.pssConformance} points the test
 * at another copy.
 */
class PssConformanceTest {
  private static final Library LIBRARY = Library.builtIn();
  private static final List<String> LEVELS = List.of("baseline", "restricted");

  /** The fixture counts the upstream README states: level to {pass, fail}. */
  private static final Map<String, int[]> EXPECTED_COUNTS =
      Map.of("baseline", new int[] {433, 1122}, "restricted", new int[] {618, 2364});

  static Path conformanceRoot() {
    String property = System.getProperty("plumbline.pssConformance");
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    URL vendored = PssConformanceTest.class.getResource("/pss-conformance");
    if (vendored == null) {
      throw new IllegalStateException("the vendored fixtures (src/test/resources/pss-conformance) "
          + "are not on the test classpath");
    }
    try {
      return Path.of(vendored.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @TestFactory
  Stream<DynamicNode> everyFixtureAgreesWithPodSecurityAdmission() throws IOException {
    Path root = conformanceRoot();
    List<DynamicNode> levels = new ArrayList<>();
    for (String level : LEVELS) {
      Framework framework = LIBRARY.framework("pss-" + level);
      assertThat(framework).as("framework pss-%s", level).isNotNull();
      List<DynamicNode> versions = new ArrayList<>();
      for (Path versionDir : versionDirs(root.resolve(level))) {
        PolicyVersion version = PolicyVersion.parse(versionDir.getFileName().toString());
        Set<String> counted = LIBRARY.frameworkControls(framework, version);
        Scanner scanner = new Scanner(new ScanOptions(LIBRARY.controls(), List.of(framework),
            version, Set.of(), ExceptionSet.NONE, Map.of(), Clock.systemUTC()));
        List<DynamicNode> tests = new ArrayList<>();
        for (String outcome : List.of("pass", "fail")) {
          for (Path file : files(versionDir.resolve(outcome))) {
            tests.add(DynamicTest.dynamicTest(outcome + "/" + file.getFileName(), file.toUri(),
                () -> check(scanner, counted, level, version, outcome, file)));
          }
        }
        versions.add(DynamicContainer.dynamicContainer(version.toString(), tests));
      }
      levels.add(DynamicContainer.dynamicContainer(level, versions));
    }
    return levels.stream();
  }

  private static void check(Scanner scanner, Set<String> counted, String level,
      PolicyVersion version, String outcome, Path file) throws IOException {
    String name = file.getFileName().toString();
    ManifestReader.Result input = new ManifestReader()
        .readString(name, Files.readString(file, StandardCharsets.UTF_8));
    assertThat(input.errors()).as("%s: read errors", name).isEmpty();
    assertThat(input.resources()).as("%s: one pod per fixture", name).hasSize(1);
    Scanner.Verdict verdict = scanner.evaluate(input.resources().get(0),
        Inventory.of(input.resources()));
    assertThat(verdict.errors()).as("%s: evaluation errors", name).isEmpty();
    Set<String> fired = new TreeSet<>(verdict.failedControls());
    fired.retainAll(counted);
    String evidence = describe(verdict, counted);
    if (outcome.equals("pass")) {
      assertThat(fired).as("pss-%s %s pass/%s must be allowed, but these controls fired: %s",
          level, version, name, evidence).isEmpty();
    } else {
      assertThat(fired).as("pss-%s %s fail/%s must be denied, but no control of pss-%s fired "
          + "(other findings: %s)", level, version, name, level, evidence).isNotEmpty();
    }
  }

  /** The failed controls that count, with their findings' fields; then the others. */
  private static String describe(Scanner.Verdict verdict, Set<String> counted) {
    Map<String, List<String>> byControl = new TreeMap<>();
    for (String id : verdict.failedControls()) {
      byControl.put(id, new ArrayList<>());
    }
    for (Finding f : verdict.findings()) {
      byControl.computeIfAbsent(f.controlId(), k -> new ArrayList<>())
          .add(f.path() + " = " + f.value());
    }
    List<String> parts = new ArrayList<>();
    byControl.forEach((id, paths) -> parts.add(id + (counted.contains(id) ? "" : " (not counted)")
        + (paths.isEmpty() ? " (finding reported by its overriding control)" : " " + paths)));
    return parts.isEmpty() ? "none" : String.join("; ", parts);
  }

  @Test
  void theFixtureSetIsComplete() throws IOException {
    Path root = conformanceRoot();
    int total = 0;
    for (String level : LEVELS) {
      int pass = 0;
      int fail = 0;
      List<Path> versions = versionDirs(root.resolve(level));
      assertThat(versions).extracting(p -> p.getFileName().toString())
          .as("%s: one folder per policy version v1.0 to %s", level, PolicyVersion.LATEST)
          .hasSize(PolicyVersion.LATEST.minor() + 1)
          .startsWith("v1.0").endsWith(PolicyVersion.LATEST.toString());
      for (Path v : versions) {
        pass += files(v.resolve("pass")).size();
        fail += files(v.resolve("fail")).size();
      }
      assertThat(new int[] {pass, fail}).as("%s pass/fail fixtures", level)
          .containsExactly(EXPECTED_COUNTS.get(level));
      total += pass + fail;
    }
    assertThat(total).isEqualTo(4537);
  }

  /**
   * The vendored copy matches the shared one it was taken from, where the shared one exists (in
   * a development checkout beside {@code ../shared}; not in CI).
   */
  @TestFactory
  Stream<DynamicTest> vendoredFixturesMatchTheSharedCopy() throws IOException {
    Path shared = Path.of(System.getProperty("plumbline.repoRoot", ".."))
        .resolve("../shared/conformance/pod-security-standards").normalize();
    if (!Files.isDirectory(shared)) {
      return Stream.empty();
    }
    Path vendored = conformanceRoot();
    return Stream.of(DynamicTest.dynamicTest("same files as " + shared, () -> {
      assertThat(relativeFiles(vendored)).isEqualTo(relativeFiles(shared));
      for (String f : relativeFiles(shared)) {
        assertThat(Files.mismatch(shared.resolve(f), vendored.resolve(f))).as(f).isEqualTo(-1L);
      }
    }));
  }

  private static List<String> relativeFiles(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted()
          .toList();
    }
  }

  private static List<Path> versionDirs(Path levelDir) throws IOException {
    try (Stream<Path> list = Files.list(levelDir)) {
      return list.filter(Files::isDirectory)
          .sorted(Comparator.comparing(p -> PolicyVersion.parse(p.getFileName().toString())))
          .toList();
    }
  }

  private static List<Path> files(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
