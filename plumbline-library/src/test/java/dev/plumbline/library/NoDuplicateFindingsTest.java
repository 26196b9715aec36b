package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.fixture.FixtureRunner;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No two controls report the same offending value of the same object: where two controls find
 * the same problem, one overrides the other (or frameworks share one control). Every fixture of
 * the library, scanned with every control, is the evidence.
 *
 * <p>Findings about something missing (value null) point at where the setting belongs, which
 * several distinct missing settings can share (the policies of one namespace), so they are not
 * compared. Nor are control-plane controls among themselves: each verifies one CIS requirement on
 * a component's flags, and one argument (a plugin list, a shell script) can hold several.
 */
class NoDuplicateFindingsTest {
  @Test
  void everyFieldIsReportedByOneControl() throws IOException {
    Library library = Library.builtIn();
    Scanner scanner = new Scanner(ScanOptions.of(
        Selection.resolve(library, List.of(), List.of(), null, Map.of())));
    List<String> duplicates = new ArrayList<>();
    for (Control control : library.controls()) {
      for (Path fixture : FixtureRunner.fixtures(control)) {
        ScanResult result = scanner.scan(new ManifestReader().readString(
            fixture.toString(), Files.readString(fixture)));
        Map<String, TreeSet<String>> byField = new TreeMap<>();
        for (Finding f : result.findings()) {
          if (f.value() == null) {
            continue;
          }
          byField.computeIfAbsent(f.resource().display() + " " + f.path(), k -> new TreeSet<>())
              .add(f.controlId());
        }
        byField.forEach((field, controls) -> {
          boolean flags = controls.stream()
              .allMatch(id -> library.control(id).category().equals("control-plane"));
          if (controls.size() > 1 && !flags) {
            duplicates.add(control.id() + "/tests/" + fixture.getFileName() + ": " + field + " "
                + controls);
          }
        });
      }
    }
    assertThat(duplicates).as("fields reported by several controls").isEmpty();
  }
}
