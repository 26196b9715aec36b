package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rules every built-in control and framework follows, checked over the whole library. */
class LibraryInvariantsTest {
  private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern INVENTORY_KIND =
      Pattern.compile("inventory\\s*\\.\\s*list\\(\\s*['\"]([A-Za-z]+)['\"]");
  private static final List<String> FRAMEWORKS =
      List.of("cis", "mitre", "nsa-cisa", "pss-baseline", "pss-restricted");
  /**
   * Controls that no framework asks for, honestly: availability hygiene (probes, pods without a
   * controller) that none of the CIS Benchmark, the NSA/CISA guide, ATT&CK or the Pod Security
   * Standards covers. The list may only shrink: a control on it that gains a framework must leave
   * it.
   */
  private static final Set<String> OUTSIDE_EVERY_FRAMEWORK =
      Set.of("missing-liveness-probes", "missing-readiness-probes", "naked-pods");
  private static final Pattern ATTACK_TECHNIQUE = Pattern.compile("T\\d{4}(\\.\\d{3})?");
  private static final List<String> ATTACK_TACTICS = List.of("Initial Access", "Execution",
      "Persistence", "Privilege Escalation", "Defense Evasion", "Credential Access", "Discovery",
      "Lateral Movement", "Impact");
  private static final Map<String, String> NSA_CHAPTERS = Map.of(
      "pod-security", "Kubernetes Pod security",
      "network", "Network separation and hardening",
      "auth", "Authentication and authorization",
      "logging", "Audit logging and threat detection",
      "upgrades", "Upgrading and application security practices");

  private final Library library = Library.builtIn();
  private final List<Control> controls = library.controls();

  @Test
  void libraryHasControls() {
    assertThat(controls).isNotEmpty();
  }

  @Test
  void idsAndAliasesAreKebabCase() {
    for (Control c : controls) {
      assertThat(c.id()).as("id").matches(KEBAB);
      assertThat(c.aliases()).as("aliases of %s", c.id()).allMatch(a -> KEBAB.matcher(a).matches());
    }
  }

  @Test
  void everyControlExplainsItselfAndItsFix() {
    for (Control c : controls) {
      assertThat(c.title()).as("%s title", c.id()).isNotBlank();
      assertThat(c.description()).as("%s description", c.id()).isNotBlank();
      assertThat(c.remediation().text()).as("%s remediation text", c.id()).isNotBlank();
      assertThat(c.references()).as("%s references", c.id()).isNotEmpty()
          .allMatch(r -> r.startsWith("https://"));
    }
  }

  @Test
  void everyControlFolderHasPassAndFailFixtures() throws IOException {
    for (Control c : controls) {
      Path tests = c.folder().resolve("tests");
      assertThat(tests).as("%s tests/", c.id()).isDirectory();
      List<String> names = new ArrayList<>();
      try (Stream<Path> list = Files.list(tests)) {
        list.forEach(p -> names.add(p.getFileName().toString()));
      }
      assertThat(names).as("%s fixtures", c.id())
          .anyMatch(n -> n.startsWith("pass-") && n.endsWith(".yaml"))
          .anyMatch(n -> n.startsWith("fail-") && n.endsWith(".yaml"));
    }
  }

  @Test
  void everyFolderUnderControlsHoldsAControl() throws IOException {
    Path root = controls.get(0).folder().getParent();
    try (Stream<Path> list = Files.list(root)) {
      list.filter(Files::isDirectory).forEach(folder -> assertThat(folder.resolve("control.yaml"))
          .as("%s holds no control.yaml, so it is silently skipped", folder.getFileName())
          .isRegularFile());
    }
  }

  @Test
  void noTwoControlsShareTheirLogic() {
    // Versioned controls may share an early variant (a restricted check that starts as its
    // baseline counterpart); what must differ is the logic as a whole.
    Map<String, String> seen = new HashMap<>();
    for (Control c : controls) {
      StringBuilder logic = new StringBuilder(c.target().label()).append(' ')
          .append(c.kinds()).append(' ')
          .append(c.when() == null ? "" : c.when().expression()).append('\n');
      for (Control.Variant v : c.variants()) {
        logic.append(v.since()).append(':').append(v.expression().replaceAll("\\s+", " ").strip())
            .append('\n');
      }
      String previous = seen.putIfAbsent(logic.toString(), c.id());
      assertThat(previous).as("%s repeats the logic of %s", c.id(), previous).isNull();
    }
  }

  @Test
  void inventoryLookupsAreDeclared() {
    for (Control c : controls) {
      TreeSet<String> used = new TreeSet<>();
      for (Control.Variant v : c.variants()) {
        Matcher m = INVENTORY_KIND.matcher(v.expression());
        while (m.find()) {
          used.add(m.group(1));
        }
      }
      assertThat(c.inventoryKinds()).as("%s declares the kinds it looks up", c.id())
          .containsAll(used);
    }
  }

  @Test
  void theBuiltInFrameworksAreThere() {
    assertThat(library.frameworks()).extracting(Framework::id).containsExactlyElementsOf(FRAMEWORKS);
  }

  @Test
  void everyControlVerifiesARequirementOfSomeFramework() {
    for (Control c : controls) {
      boolean mapped = c.frameworks().values().stream().anyMatch(ids -> !ids.isEmpty());
      if (OUTSIDE_EVERY_FRAMEWORK.contains(c.id())) {
        assertThat(mapped).as("%s maps to a framework now: remove it from OUTSIDE_EVERY_FRAMEWORK",
            c.id()).isFalse();
      } else {
        assertThat(mapped).as("%s maps to no framework (cis, nsa-cisa, mitre, pss-*)", c.id())
            .isTrue();
      }
    }
    assertThat(OUTSIDE_EVERY_FRAMEWORK).allMatch(id -> library.control(id) != null);
  }

  @Test
  void cisHoldsEveryCheckOfTheBenchmarkInItsOrder() throws IOException {
    // The vendored list (see its header) holds the ids of the benchmark's checks, automated and
    // manual alike: none may be missing from cis.yaml, hidden or invented.
    List<String> reference = new ArrayList<>();
    try (InputStream in = getClass().getResourceAsStream("/cis-1.12-check-ids.txt")) {
      assertThat(in).as("cis-1.12-check-ids.txt on the test classpath").isNotNull();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String id = line.strip();
        if (!id.isEmpty() && !id.startsWith("#")) {
          reference.add(id);
        }
      }
    }
    Framework cis = library.framework("cis");
    assertThat(cis.version()).isEqualTo("v1.12");
    assertThat(cis.requirements()).extracting(Framework.Requirement::id)
        .containsExactlyElementsOf(reference);
    for (Framework.Requirement r : cis.requirements()) {
      String group = r.id().chars().filter(ch -> ch == '.').count() >= 2
          ? r.id().substring(0, r.id().lastIndexOf('.')) : r.id().substring(0, 1);
      assertThat(r.section()).as("section of CIS %s", r.id()).startsWith(group + " ");
    }
  }

  @Test
  void everyRequirementIsInASectionAndManualOnesSayHowToCheck() {
    for (Framework f : library.frameworks()) {
      for (Framework.Requirement r : f.requirements()) {
        assertThat(r.title()).as("%s %s title", f.id(), r.id()).isNotBlank();
        if (!f.id().startsWith("pss-")) {
          assertThat(r.section()).as("%s %s section", f.id(), r.id()).isNotBlank();
        }
        if (r.manual()) {
          assertThat(r.controls()).as("%s %s is manual", f.id(), r.id()).isEmpty();
          assertThat(r.procedure()).as("%s %s procedure", f.id(), r.id()).hasSizeGreaterThan(80);
        } else {
          assertThat(r.controls()).as("%s %s controls", f.id(), r.id()).isNotEmpty();
        }
      }
    }
  }

  @Test
  void mitreRequirementsAreAttackTechniquesUnderTheirTactic() {
    for (Framework.Requirement r : library.framework("mitre").requirements()) {
      assertThat(r.id()).as("ATT&CK technique id").matches(ATTACK_TECHNIQUE);
      assertThat(r.section()).as("tactic of %s", r.id()).isIn(ATTACK_TACTICS);
    }
  }

  @Test
  void nsaCisaRequirementIdsNameTheirChapter() {
    for (Framework.Requirement r : library.framework("nsa-cisa").requirements()) {
      String chapter = r.id().substring(0, Math.max(0, r.id().indexOf('.')));
      assertThat(NSA_CHAPTERS).as("chapter of %s", r.id()).containsKey(chapter);
      assertThat(r.section()).as("section of %s", r.id()).isEqualTo(NSA_CHAPTERS.get(chapter));
      assertThat(r.id().substring(chapter.length() + 1)).as("topic of %s", r.id()).matches(KEBAB);
    }
  }
}
