package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Library;
import dev.plumbline.fix.ManifestFixer;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
import dev.plumbline.resource.YamlFile;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The text-preserving fixer on manifests no one on this project wrote (the real-world corpus):
 * every file with findings whose control has a patch can be edited (no file refused), the
 * edited text keeps every comment line of the original, and fixing again changes nothing.
 */
class CorpusFixTest {
  @Test
  void everyPatchOfTheCorpusCanBeMadeInTheText() throws IOException {
    Path corpus = Path.of(System.getProperty("plumbline.repoRoot", ".."))
        .resolve("plumbline-library/src/test/resources/corpus").normalize();
    ScanOptions options = ScanOptions.of(Selection.resolve(Library.builtIn(), List.of(),
        List.of(), null, Map.of()));
    ManifestReader.Result input = new ManifestReader().read(List.of(corpus.toString()), null);
    assertThat(input.errors()).isEmpty();
    ScanResult result = new Scanner(options).scan(input);
    Map<String, List<Finding>> byFile = new LinkedHashMap<>();
    for (Finding f : result.findings()) {
      if (f.control().remediation().hasPatch()) {
        byFile.computeIfAbsent(f.origin().file(), k -> new ArrayList<>()).add(f);
      }
    }
    assertThat(byFile).hasSizeGreaterThan(10);
    int changed = 0;
    Map<String, String> edited = new LinkedHashMap<>();
    for (Map.Entry<String, List<Finding>> e : byFile.entrySet()) {
      String file = e.getKey();
      String before = ManifestFixer.read(Path.of(file));
      String after = ManifestFixer.fix(file, before, e.getValue());
      if (!after.equals(before)) {
        changed++;
      }
      for (String line : before.split("\n")) {
        if (line.strip().startsWith("#")) {
          assertThat(after).as(file).contains(line);
        }
      }
      assertThat(YamlFile.parse(file, after)).hasSameSizeAs(YamlFile.parse(file, before));
      edited.put(file, after);
    }
    // scanned again as a whole (controls look objects up across files), nothing is left to do
    List<Resource> resources = new ArrayList<>();
    Set<String> replaced = new HashSet<>();
    for (Resource r : input.resources()) {
      String file = r.origin().file();
      if (!edited.containsKey(file)) {
        resources.add(r);
      } else if (replaced.add(file)) {
        resources.addAll(new ManifestReader().readString(file, edited.get(file)).resources());
      }
    }
    // but for a patch withheld from its target in the first pass, which another patch may have
    // made fit (privileged-containers sets privileged: false, so privilege-escalation-allowed's
    // patch fits the next time)
    Set<String> withheld = new HashSet<>();
    result.findings().stream().filter(Finding::patchWithheld).forEach(f -> withheld.add(f.id()));
    assertThat(withheld).isNotEmpty();
    Map<String, List<Finding>> again = new LinkedHashMap<>();
    for (Finding f : new Scanner(options).scan(resources, List.of(), List.of(), 0).findings()) {
      if (f.control().remediation().hasPatch() && edited.containsKey(f.origin().file())
          && !withheld.contains(f.id())) {
        again.computeIfAbsent(f.origin().file(), k -> new ArrayList<>()).add(f);
      }
    }
    for (Map.Entry<String, List<Finding>> e : again.entrySet()) {
      String after = edited.get(e.getKey());
      assertThat(ManifestFixer.fix(e.getKey(), after, e.getValue())).as(e.getKey())
          .isEqualTo(after);
    }
    assertThat(changed).isGreaterThan(10);
  }
}
