package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.fix.ManifestFixer;
import dev.plumbline.fixture.FixtureRunner;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.YamlFile;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.Scanner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The text-preserving fixer against every control's fixtures: fixing {@code fail-X.yaml} gives
 * {@code fixed-X.yaml} (paired by name, as {@link FixtureRunner} pairs them), as data and as
 * text: the output, less the fail fixture's leading comment lines (its header, but for {@code # pss-version}), is the fixed
 * fixture byte for byte. A second fix of the output changes nothing.
 */
class FixedFixturesTest {
  private static final Pattern PSS = Pattern.compile("(?m)^# pss-version: *(\\S+)");

  @TestFactory
  Stream<DynamicContainer> fixingEachFailFixtureGivesItsFixedFixture() {
    return Library.builtIn().controls().stream()
        .filter(c -> c.remediation().hasPatch())
        .map(c -> DynamicContainer.dynamicContainer(c.id(), FixtureRunner.fixtures(c).stream()
            .filter(p -> p.getFileName().toString().startsWith("fixed-"))
            .map(fixed -> DynamicTest.dynamicTest(fixed.getFileName().toString(),
                () -> check(c, fixed)))));
  }

  /**
   * Every fail fixture of a control with a patch, paired with a fixed fixture or not, can be
   * edited: the fixer's own check (the edited text reads back as the patched objects) holds, and
   * fixing again changes nothing. (Some patches change nothing in some fixtures: a patch that
   * drops every capability leaves alone the one a container adds back.)
   */
  @TestFactory
  Stream<DynamicContainer> everyFailFixtureOfAPatchedControlCanBeEdited() {
    return Library.builtIn().controls().stream()
        .filter(c -> c.remediation().hasPatch())
        .map(c -> DynamicContainer.dynamicContainer(c.id(), FixtureRunner.fixtures(c).stream()
            .filter(p -> p.getFileName().toString().startsWith("fail-"))
            .map(fail -> DynamicTest.dynamicTest(fail.getFileName().toString(), () -> {
              String name = fail.getFileName().toString();
              String text = Files.readString(fail, StandardCharsets.UTF_8);
              String got = ManifestFixer.fix(name, text, findings(c, name, text));
              assertThat(ManifestFixer.fix(name, got, findings(c, name, got))).isEqualTo(got);
            }))));
  }

  private static void check(Control control, Path fixedFile) throws Exception {
    String suffix = fixedFile.getFileName().toString().substring("fixed-".length());
    Path failFile = fixedFile.resolveSibling("fail-" + suffix);
    String fail = Files.readString(failFile, StandardCharsets.UTF_8);
    String want = Files.readString(fixedFile, StandardCharsets.UTF_8);
    String name = failFile.getFileName().toString();

    String got = ManifestFixer.fix(name, fail, findings(control, name, fail));

    assertThat(roots(got)).as("%s fixed as data", name).isEqualTo(roots(want));
    assertThat(withoutHeader(got)).as("%s fixed as text", name).isEqualTo(want);
    assertThat(findings(control, name, got)).as("%s after the fix", name).isEmpty();
    assertThat(ManifestFixer.fix(name, got, findings(control, name, got))).isEqualTo(got);
  }

  static List<Finding> findings(Control control, String name, String text) {
    Matcher m = PSS.matcher(text);
    PolicyVersion version = m.find() ? PolicyVersion.parse(m.group(1)) : PolicyVersion.LATEST;
    ManifestReader.Result input = new ManifestReader().readString(name, text);
    assertThat(input.errors()).isEmpty();
    ScanOptions options = new ScanOptions(List.of(control), List.of(), version, Set.of(),
        ExceptionSet.NONE, Map.of(), Clock.systemUTC());
    return new Scanner(options).scan(input).findings();
  }

  private static List<Object> roots(String text) {
    return YamlFile.parse("x.yaml", text).stream().map(YamlFile.Document::root)
        .filter(r -> r != null).toList();
  }

  /** The text without its leading comment lines, but for the policy version it needs. */
  static String withoutHeader(String text) {
    StringBuilder kept = new StringBuilder();
    int at = 0;
    while (at < text.length() && text.startsWith("#", at)) {
      int lf = text.indexOf('\n', at);
      int end = lf < 0 ? text.length() : lf + 1;
      if (text.startsWith("# pss-version:", at)) {
        kept.append(text, at, end);
      }
      at = end;
    }
    return kept + text.substring(at);
  }
}
