package dev.plumbline.cli;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.control.PatchOp;
import dev.plumbline.fixture.FixtureRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code plumbline controls list|explain|test}. */
@Command(name = "controls", mixinStandardHelpOptions = true,
    description = "List, explain and test controls.",
    subcommands = {ControlsCommand.ListControls.class, ControlsCommand.Explain.class,
        ControlsCommand.Test.class})
final class ControlsCommand {

  enum ListFormat { table, json }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the controls.")
  static final class ListControls implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    LibraryOption libraryOption;
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
        description = "table or json (default: ${DEFAULT-VALUE}).")
    ListFormat format;
    @Option(names = "--framework", paramLabel = "ID",
        description = "Only the controls of this framework.")
    String framework;

    @Override
    public Integer call() {
      Library library = libraryOption.library(null);
      List<Control> controls = library.controls();
      if (framework != null) {
        if (library.framework(framework) == null) {
          throw new ParameterException(spec.commandLine(), "unknown framework '" + framework
              + "' ('plumbline frameworks list' shows them)");
        }
        controls = controls.stream().filter(c -> c.frameworks().containsKey(framework)).toList();
      }
      PrintWriter out = spec.commandLine().getOut();
      if (format == ListFormat.json) {
        JsonOut.print(controls.stream().map(ControlsCommand::summary).toList(), out);
        return Main.OK;
      }
      Tables table = new Tables("ID", "SEVERITY", "CATEGORY", "TARGET", "TITLE");
      for (Control c : controls) {
        table.row(c.id(), c.severity().label(), c.category(), c.target().label(), c.title());
      }
      table.print(out);
      out.println();
      out.println(controls.size() + " controls. 'plumbline controls explain ID' tells more.");
      return Main.OK;
    }
  }

  @Command(name = "explain", mixinStandardHelpOptions = true,
      description = "Explain one control: why it matters, what it checks, how to fix it.")
  static final class Explain implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    LibraryOption libraryOption;
    @Parameters(paramLabel = "ID", description = "A control id (or a former id).")
    String id;
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
        description = "table (text) or json (default: ${DEFAULT-VALUE}).")
    ListFormat format;

    @Override
    public Integer call() {
      Library library = libraryOption.library(null);
      Control c = library.control(id);
      if (c == null) {
        throw new ParameterException(spec.commandLine(), "unknown control '" + id
            + "' ('plumbline controls list' shows them)");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (format == ListFormat.json) {
        Map<String, Object> json = summary(c);
        json.put("description", c.description());
        json.put("variants", c.variants().stream().map(v -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("since", v.since().toString());
          m.put(v.listsViolations() ? "violations" : "check", v.expression());
          if (v.path() != null) {
            m.put("path", v.path());
          }
          return m;
        }).toList());
        json.put("remediation", remediation(c));
        json.put("references", c.references());
        json.put("fixtures", FixtureRunner.fixtures(c).stream()
            .map(p -> p.getFileName().toString()).toList());
        JsonOut.print(json, out);
        return Main.OK;
      }
      out.println(c.title());
      out.println("=".repeat(c.title().length()));
      out.println("id:        " + c.id() + " (version " + c.version() + ")"
          + (c.aliases().isEmpty() ? "" : ", formerly " + String.join(", ", c.aliases())));
      out.println("severity:  " + c.severity().label());
      out.println("category:  " + c.category());
      out.println("applies:   " + appliesTo(c));
      if (c.pss() != null) {
        out.println("pss:       " + c.pss().level() + " (upstream check " + c.pss().check()
            + ", since " + c.since() + ")");
      }
      if (!c.frameworks().isEmpty()) {
        List<String> parts = new ArrayList<>();
        c.frameworks().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
            parts.add(e.getKey() + " " + String.join(", ", e.getValue())));
        out.println("frameworks: " + String.join("; ", parts));
      }
      out.println();
      out.println(c.description());
      out.println();
      out.println("What it checks:");
      for (Control.Variant v : c.variants()) {
        String label = c.variants().size() > 1 ? " (from " + v.since() + ")" : "";
        out.println("  " + (v.listsViolations() ? "violations" : "check") + label + ":");
        for (String line : v.expression().split("\n")) {
          out.println("    " + line);
        }
        if (v.path() != null) {
          out.println("  field: " + v.path());
        }
      }
      out.println();
      out.println("How to fix it:");
      for (String line : c.remediation().text().split("\n")) {
        out.println("  " + line);
      }
      if (c.remediation().hasPatch()) {
        out.println("  Automatic patch (" + (c.remediation().safe() ? "safe" : "review first")
            + "), relative to the " + c.target().label() + ":");
        for (PatchOp op : c.remediation().patch()) {
          if (op.op().equals("flag")) {
            out.println("    flag " + op.value() + " (replaces the argument that sets --"
                + op.flagName() + " last, or appends it)");
            continue;
          }
          out.println("    " + op.op() + " " + op.path().toPointer()
              + (op.op().equals("remove") ? "" : " = " + dev.plumbline.control.Json.brief(op.value())));
        }
        if (c.remediation().skipWhen() != null) {
          out.println("  Not offered where this holds (left for a person):");
          for (String line : c.remediation().skipWhen().expression().split("\n")) {
            out.println("    " + line);
          }
        }
      }
      if (!c.references().isEmpty()) {
        out.println();
        out.println("References:");
        c.references().forEach(r -> out.println("  " + r));
      }
      List<Path> fixtures = FixtureRunner.fixtures(c);
      if (!fixtures.isEmpty()) {
        out.println();
        out.println("Examples: " + String.join(", ",
            fixtures.stream().map(p -> p.getFileName().toString()).toList()));
      }
      return Main.OK;
    }
  }

  @Command(name = "test", mixinStandardHelpOptions = true,
      description = "Run the fixtures (tests/pass-*, fail-*, fixed-*) of the controls in DIR.")
  static final class Test implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "DIR",
        description = "A control folder, or a directory of control folders.")
    Path dir;

    @Override
    public Integer call() {
      if (!Files.isDirectory(dir)) {
        throw new ParameterException(spec.commandLine(), "'" + dir + "' is not a directory");
      }
      Library custom = Library.builtIn().withCustom(dir);
      PrintWriter out = spec.commandLine().getOut();
      int failed = 0;
      int passed = 0;
      Path root = dir.toAbsolutePath().normalize();
      for (Control c : custom.controls()) {
        if (!c.folder().toAbsolutePath().normalize().startsWith(root)) {
          continue; // a built-in control
        }
        for (FixtureRunner.Result r : FixtureRunner.run(c)) {
          if (r.ok()) {
            passed++;
            out.println("PASS  " + c.id() + "  " + r.fixture());
          } else {
            failed++;
            out.println("FAIL  " + c.id() + "  " + r.fixture() + ": " + r.message());
          }
        }
      }
      out.println();
      out.println(passed + " passed, " + failed + " failed");
      return failed == 0 ? Main.OK : Main.FINDINGS;
    }
  }

  static Map<String, Object> summary(Control c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("version", c.version());
    m.put("title", c.title());
    m.put("severity", c.severity().label());
    m.put("category", c.category());
    m.put("target", c.target().label());
    m.put("kinds", c.kinds().stream().sorted().toList());
    if (c.pss() != null) {
      m.put("pss", Map.of("level", c.pss().level(), "check", c.pss().check(),
          "since", c.since().toString()));
    }
    Map<String, Object> frameworks = new LinkedHashMap<>();
    c.frameworks().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> frameworks.put(e.getKey(), e.getValue()));
    m.put("frameworks", frameworks);
    if (!c.aliases().isEmpty()) {
      m.put("aliases", c.aliases());
    }
    return m;
  }

  static Map<String, Object> remediation(Control c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", c.remediation().text());
    m.put("safe", c.remediation().safe());
    m.put("patch", c.remediation().patch().stream().map(op -> {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("op", op.op());
      o.put("path", op.path().toPointer());
      if (!op.op().equals("remove")) {
        o.put("value", op.value());
      }
      return o;
    }).toList());
    if (c.remediation().skipWhen() != null) {
      m.put("skipWhen", c.remediation().skipWhen().expression());
    }
    return m;
  }

  static String appliesTo(Control c) {
    String kinds = c.kinds().isEmpty() ? "every workload kind"
        : String.join(", ", c.kinds().stream().sorted().toList());
    return switch (c.target()) {
      case CONTAINER -> "each container (init, regular, ephemeral) of " + kinds;
      case POD -> "the pod template of " + kinds;
      case RESOURCE -> kinds;
    };
  }
}
