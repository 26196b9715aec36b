package dev.plumbline.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * {@link PlainYaml} must give exactly snakeyaml-engine's events (values, styles, lines) for every
 * stream it accepts, and give up on the rest. Checked on every YAML file of the project (the
 * example application, the control library and its fixtures, the real-world corpus, the Pod
 * Security Standards conformance fixtures, ...) and on many mutations of them, which reach the
 * corners (indentation off by one, stray colons, quotes, comments, block scalar headers, tabs).
 */
class PlainYamlTest {
  /** Mutations per file; more with -Dplumbline.yaml.fuzzRounds=N (about 9,000 files). */
  private static final int ROUNDS = Integer.getInteger("plumbline.yaml.fuzzRounds", 6);
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The events snakeyaml gives, or null when it reports an error or uses what we refuse. */
  static List<String> snakeyaml(String text) {
    List<String> events = new ArrayList<>();
    LoadSettings settings =
        LoadSettings.builder().setCodePointLimit(Integer.MAX_VALUE).setUseMarks(true).build();
    try {
      for (Event e : new Parse(settings).parseString(text)) {
        int line = e.getStartMark().map(m -> m.getLine() + 1).orElse(0);
        switch (e.getEventId()) {
          case DocumentStart -> events.add("doc " + line);
          case DocumentEnd -> events.add("end-doc");
          case MappingStart, SequenceStart -> {
            CollectionStartEvent c = (CollectionStartEvent) e;
            events.add((e.getEventId() == Event.ID.MappingStart ? "map " : "seq ") + line
                + (c.getAnchor().isPresent() ? " &" : "") + (c.getTag().isPresent() ? " !" : ""));
          }
          case MappingEnd, SequenceEnd -> events.add("end");
          case Scalar -> {
            ScalarEvent s = (ScalarEvent) e;
            events.add("scalar " + line + (s.isPlain() ? " plain " : " quoted ")
                + escape(s.getValue()) + (s.getAnchor().isPresent() ? " &" : "")
                + (s.getTag().isPresent() ? " !" : ""));
          }
          case Alias -> events.add("alias " + line);
          default -> {
            // stream start and end, comments
          }
        }
      }
    } catch (YamlEngineException e) {
      return null;
    }
    return events;
  }

  /** The events PlainYaml gives, or null when it gives up. */
  static List<String> plain(String text) {
    List<String> events = new ArrayList<>();
    boolean accepted = PlainYaml.parse(text, new PlainYaml.Handler() {
      @Override
      public void documentStart(int line) {
        events.add("doc " + line);
      }

      @Override
      public void documentEnd() {
        events.add("end-doc");
      }

      @Override
      public void collectionStart(boolean mapping, int line) {
        events.add((mapping ? "map " : "seq ") + line);
      }

      @Override
      public void collectionEnd() {
        events.add("end");
      }

      @Override
      public void scalar(String text, boolean plain, int line) {
        events.add("scalar " + line + (plain ? " plain " : " quoted ") + escape(text));
      }
    }, 512);
    return accepted ? events : null;
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints().forEach(c -> {
      if (c == '\\' || c == '"') {
        b.append('\\').appendCodePoint(c);
      } else if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u{%x}", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.append('"').toString();
  }

  /** True when PlainYaml accepted the text (and then agreed with snakeyaml). */
  private static boolean agrees(String name, String text) {
    List<String> plain = plain(text);
    if (plain == null) {
      return false;
    }
    List<String> general = snakeyaml(text);
    if (!plain.equals(general)) {
      throw new AssertionError(name + ": PlainYaml accepted what snakeyaml reads differently\n"
          + "--- text\n" + text + "\n--- snakeyaml\n"
          + (general == null ? "an error" : String.join("\n", general)) + "\n--- PlainYaml\n"
          + String.join("\n", plain));
    }
    return true;
  }

  static List<Path> yamlFiles() throws IOException {
    List<Path> roots = new ArrayList<>(List.of(ROOT));
    Path shared = ROOT.resolve("../shared/conformance").normalize();
    if (Files.isDirectory(shared)) {
      roots.add(shared);
    }
    List<Path> files = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(p -> {
          String s = p.toString();
          return (s.endsWith(".yaml") || s.endsWith(".yml")) && !s.contains("/target/")
              && !s.contains("/node_modules/") && !s.contains("/.git/") && Files.isRegularFile(p);
        }).sorted().forEach(files::add);
      }
    }
    return files;
  }

  @Test
  void agreesWithSnakeyamlOnEveryYamlFileOfTheProject() throws IOException {
    List<Path> files = yamlFiles();
    assertTrue(files.size() > 1000, "found only " + files.size() + " YAML files under " + ROOT);
    int accepted = 0;
    List<String> refused = new ArrayList<>();
    for (Path file : files) {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (agrees(file.toString(), text)) {
        accepted++;
      } else {
        refused.add(ROOT.relativize(file).toString());
      }
    }
    // The fast path must really be the common path: the example application and the control
    // library are read by it whole, and nearly all of the rest.
    for (String name : refused) {
      assertFalse(name.startsWith("examples/") || name.endsWith("/control.yaml"),
          name + " fell back to snakeyaml");
    }
    assertTrue(accepted >= files.size() * 0.95, "PlainYaml read only " + accepted + " of "
        + files.size() + " files; refused e.g. " + refused.subList(0, Math.min(20,
        refused.size())));
  }

  @Test
  void agreesWithSnakeyamlOnMutationsOfThem() throws IOException {
    List<Path> files = yamlFiles();
    Random random = new Random(20261128L);
    String[] inserts = {" ", "  ", "\n", ":", ": ", "-", "- ", "#", " #", "\"", "'", "|", ">",
        "|-", ">+", "[", "]", "{", "}", ",", "\t", "&a ", "*a", "!!str ", "? ", "---\n", "...\n",
        "\\", "\\n", "yes", "0x1F", "~", "<<: ", "%", "@", "`"};
    int accepted = 0;
    int runs = 0;
    for (Path file : files) {
      String original = Files.readString(file, StandardCharsets.UTF_8);
      if (original.length() > 20_000) {
        continue;
      }
      for (int i = 0; i < ROUNDS; i++) {
        String text = mutate(original, random, inserts);
        runs++;
        if (agrees(file + " (mutation " + i + ")", text)) {
          accepted++;
        }
      }
    }
    // Many mutations stay valid YAML in the subset: the comparison must really have happened.
    System.out.println(accepted + " of " + runs + " mutations read by PlainYaml, as by snakeyaml");
    assertTrue(accepted > runs / 10, "only " + accepted + " of " + runs + " mutations accepted");
  }

  private static String mutate(String text, Random random, String[] inserts) {
    StringBuilder b = new StringBuilder(text);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits && b.length() > 0; e++) {
      int at = random.nextInt(b.length());
      switch (random.nextInt(5)) {
        case 0 -> b.deleteCharAt(at);
        case 1 -> b.insert(at, inserts[random.nextInt(inserts.length)]);
        case 2 -> {
          // indent or dedent a line
          int start = b.lastIndexOf("\n", at) + 1;
          if (random.nextBoolean()) {
            b.insert(start, ' ');
          } else if (start < b.length() && b.charAt(start) == ' ') {
            b.deleteCharAt(start);
          }
        }
        case 3 -> {
          // duplicate a line
          int start = b.lastIndexOf("\n", at) + 1;
          int end = b.indexOf("\n", at);
          end = end < 0 ? b.length() : end + 1;
          b.insert(start, b.substring(start, end));
        }
        default -> {
          // drop the rest of a line
          int end = b.indexOf("\n", at);
          b.delete(at, end < 0 ? b.length() : end);
        }
      }
    }
    return b.toString();
  }

  @Test
  void readsTheCommonForms() {
    String text = """
        # leading comment
        apiVersion: v1
        kind: Pod   # trailing
        metadata:
          name: "web"
          labels: {app: web, "tier": 'front'}
          annotations: {}
        spec:
          containers:
          - name: app
            image: nginx:1.25
            args: ["a", b, 'c''d', "\\u00e9\\t"]
            command: []
            securityContext:
              privileged: yes
            env:
            -
              name: X
            - - nested
              - list
          script: |
            line one
              indented

            after blank
          description: a plain scalar
            over lines

            with a blank one
          folded: >-
            one
            two

            three
        ---
        ---
        last: ~
        """;
    assertTrue(agrees("common forms", text));
  }

  @Test
  void givesUpOnWhatItDoesNotRead() {
    for (String text : List.of("a: &x 1\nb: *x\n", "a: !!str 1\n", "%YAML 1.2\n---\na: 1\n",
        "a: b\n...\n", "? a\n: b\n", "a: multi\n  li: ne\n", "a: \"multi\n  line\"\n",
        "a: [1,\n2]\n", "<<: {a: 1}\n", "a:\tb\n", "a: 1\r\nb: 2\r\n", "a: |2\n   x\n",
        "a: b: c\n", "- a\nb: 1\n", "a: 1\n- b\n", "\"a\" : 1\n", "a: [b, ]\n",
        "a: \u0085\n")) {
      assertEquals(null, plain(text), () -> "should have given up on: " + text);
    }
  }
}
