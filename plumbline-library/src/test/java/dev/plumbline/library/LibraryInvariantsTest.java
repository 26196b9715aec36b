package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rules every built-in control follows, checked over the whole library. */
class LibraryInvariantsTest {
  private static final Pattern KEBAB = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
  private static final Pattern INVENTORY_KIND =
      Pattern.compile("inventory\\s*\\.\\s*list\\(\\s*['\"]([A-Za-z]+)['\"]");

  private final List<Control> controls = Library.builtIn().controls();

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
      StringBuilder logic = new StringBuilder();
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
}
