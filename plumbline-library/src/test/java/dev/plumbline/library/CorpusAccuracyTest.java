package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.plumbline.control.Library;
import dev.plumbline.resource.InputError;
import dev.plumbline.resource.InputNote;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Accuracy on manifests that no one on this project wrote: the real-world corpus in
 * {@code src/test/resources/corpus} (upstream projects' published manifests, see its README) is
 * scanned with every built-in control, one scan per project folder as {@code plumbline scan
 * <folder>} would, and every finding (control, file and line, resource, field; not the message
 * wording) must match {@code corpus/expected-findings.txt}, the reviewed record of what
 * Plumbline reports there. The corpus must also read and evaluate without a single error.
 *
 * <p>When a control changes on purpose, regenerate the record and review its diff line by line:
 *
 * <pre>
 * ./mvnw -q verify -pl plumbline-library -am -Dtest=CorpusAccuracyTest \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dplumbline.updateCorpus=true
 * </pre>
 */
class CorpusAccuracyTest {
  private static final String EXPECTED = "expected-findings.txt";
  private static final Instant SCANNED_AT = Instant.parse("2026-01-01T00:00:00Z");

  private static Path corpus;
  private static List<Project> projects;

  /** One project's scan. */
  private record Project(String name, List<String> files, ScanResult result) {}

  @BeforeAll
  static void scanTheCorpus() throws IOException {
    corpus = Path.of(System.getProperty("plumbline.repoRoot", ".."))
        .resolve("plumbline-library/src/test/resources/corpus").normalize();
    Library library = Library.builtIn();
    Scanner scanner = new Scanner(ScanOptions.of(
            Selection.resolve(library, List.of(), List.of(), null, Map.of()))
        .withClock(Clock.fixed(SCANNED_AT, ZoneOffset.UTC)));
    projects = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(corpus)) {
      for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
        List<String> files = manifests(dir);
        List<Resource> resources = new ArrayList<>();
        List<InputError> errors = new ArrayList<>();
        List<InputNote> notes = new ArrayList<>();
        for (String file : files) {
          ManifestReader.Result read = new ManifestReader().readString(file,
              Files.readString(corpus.resolve(file), StandardCharsets.UTF_8));
          resources.addAll(read.resources());
          errors.addAll(read.errors());
          notes.addAll(read.notes());
        }
        projects.add(new Project(dir.getFileName().toString(), files,
            scanner.scan(resources, errors, notes, files.size())));
      }
    }
  }

  /** The manifests of a project folder, relative to the corpus, sorted. */
  private static List<String> manifests(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .map(p -> corpus.relativize(p).toString().replace('\\', '/'))
          .filter(f -> f.endsWith(".yaml") || f.endsWith(".yml"))
          .sorted().toList();
    }
  }

  @Test
  void theCorpusReadsAndEvaluatesWithoutErrors() {
    assertThat(projects).extracting(Project::name).hasSizeGreaterThanOrEqualTo(8);
    for (Project p : projects) {
      assertThat(p.result().errors()).as("%s: input and evaluation errors", p.name()).isEmpty();
      assertThat(p.result().notes()).as("%s: documents skipped", p.name()).isEmpty();
      assertThat(p.result().judged()).as("%s: resources judged", p.name()).isNotEmpty();
    }
  }

  @Test
  void findingsMatchTheReviewedRecord() throws IOException {
    String actual = record();
    Path file = corpus.resolve(EXPECTED);
    if (Boolean.getBoolean("plumbline.updateCorpus")) {
      Files.writeString(file, actual, StandardCharsets.UTF_8);
      return;
    }
    String expected = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    if (!actual.equals(expected)) {
      Set<String> want = findingLines(expected);
      Set<String> got = findingLines(actual);
      List<String> added = got.stream().filter(l -> !want.contains(l)).toList();
      List<String> removed = want.stream().filter(l -> !got.contains(l)).toList();
      fail(String.format("corpus findings differ from %s (regenerate with "
              + "-Dplumbline.updateCorpus=true and review the diff)%nnew findings:%n  %s"
              + "%nfindings no longer reported:%n  %s%s", EXPECTED,
          String.join("\n  ", added), String.join("\n  ", removed),
          added.isEmpty() && removed.isEmpty() ? "\n(only the header or the order differs)" : ""));
    }
  }

  /**
   * Every manifest of the corpus is listed in its README with the sha256 of the file as it is
   * here, and every project keeps its licence.
   */
  @Test
  void everyFileIsAccountedForInTheReadme() throws IOException, NoSuchAlgorithmException {
    String readme = Files.readString(corpus.resolve("README.md"), StandardCharsets.UTF_8);
    Pattern row = Pattern.compile("(?m)^\\| `([^`]+)` \\| `[^`]+` \\| `[^`]+` \\| `?([0-9a-f]{64}|—)`? "
        + "\\| (?:`([0-9a-f]{64})`)? *\\|");
    Map<String, String> listed = new TreeMap<>();
    Matcher m = row.matcher(readme);
    while (m.find()) {
      listed.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2));
    }
    Map<String, String> present = new TreeMap<>();
    for (Project p : projects) {
      assertThat(Files.exists(corpus.resolve(p.name()).resolve("LICENSE"))
          || Files.exists(corpus.resolve(p.name()).resolve("LICENSE.md")))
          .as("%s keeps its licence", p.name()).isTrue();
      for (String f : p.files()) {
        present.put(f, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(Files.readAllBytes(corpus.resolve(f)))));
      }
    }
    assertThat(listed).as("README.md lists every manifest with its sha256").isEqualTo(present);
  }

  /** The record: a header with counts per control, then one line per finding. */
  private static String record() {
    List<Finding> all = new ArrayList<>();
    projects.forEach(p -> all.addAll(p.result().findings()));
    all.sort(Comparator.comparing(Finding::controlId)
        .thenComparing(f -> f.origin().file())
        .thenComparingInt(Finding::line)
        .thenComparing(f -> f.path().toString()));
    Map<String, Integer> counts = new TreeMap<>();
    all.forEach(f -> counts.merge(f.controlId(), 1, Integer::sum));
    StringBuilder sb = new StringBuilder();
    sb.append("# Findings of every built-in control on the real-world corpus, reviewed by hand.\n")
        .append("# Generated by CorpusAccuracyTest (-Dplumbline.updateCorpus=true); one line per\n")
        .append("# finding: control, file:line, Kind/namespace/name, field.\n")
        .append("# ").append(all.size()).append(" findings in ")
        .append(projects.stream().mapToInt(p -> p.files().size()).sum()).append(" files of ")
        .append(projects.size()).append(" projects, by control:\n");
    counts.forEach((id, n) -> sb.append("#   ").append(id).append(": ").append(n).append('\n'));
    for (Finding f : all) {
      ResourceRef r = f.resource();
      sb.append(f.controlId()).append('\t').append(f.origin().file()).append(':')
          .append(f.line()).append('\t').append(r.kind()).append('/').append(r.namespace())
          .append('/').append(r.name()).append('\t').append(f.path()).append('\n');
    }
    return sb.toString();
  }

  private static Set<String> findingLines(String text) {
    Set<String> lines = new LinkedHashSet<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        lines.add(line);
      }
    }
    return lines;
  }
}
