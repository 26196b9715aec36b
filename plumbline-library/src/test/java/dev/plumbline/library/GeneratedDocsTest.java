package dev.plumbline.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plumbline.control.Library;
import dev.plumbline.docs.DocsGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The reference pages in docs/controls and docs/frameworks are generated from the library. This
 * test fails when they are stale; regenerate with
 * {@code ./mvnw -q verify -pl plumbline-library -am -Dplumbline.updateDocs=true}.
 */
class GeneratedDocsTest {
  @Test
  void generatedDocsMatchTheLibrary() throws IOException {
    Path docs = Path.of(System.getProperty("plumbline.repoRoot", "..")).resolve("docs");
    Map<String, String> pages = new DocsGenerator(Library.builtIn(), "plumbline-library").pages();
    boolean update = Boolean.getBoolean("plumbline.updateDocs");
    List<String> stale = new ArrayList<>();
    for (Map.Entry<String, String> page : pages.entrySet()) {
      Path file = docs.resolve(page.getKey());
      String current = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : null;
      if (!page.getValue().equals(current)) {
        if (update) {
          Files.createDirectories(file.getParent());
          Files.writeString(file, page.getValue(), StandardCharsets.UTF_8);
        } else {
          stale.add(page.getKey());
        }
      }
    }
    for (String dir : List.of("controls", "frameworks")) {
      Path folder = docs.resolve(dir);
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> files = Files.list(folder)) {
        for (Path f : files.toList()) {
          String key = dir + "/" + f.getFileName();
          if (!pages.containsKey(key)) {
            if (update) {
              Files.delete(f);
            } else {
              stale.add(key + " (no longer generated)");
            }
          }
        }
      }
    }
    assertThat(stale)
        .as("stale generated docs; run ./mvnw -q verify -pl plumbline-library -am "
            + "-Dplumbline.updateDocs=true")
        .isEmpty();
  }
}
