package dev.plumbline.cli;

import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import java.io.PrintWriter;
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

/** {@code plumbline frameworks list|show}. */
@Command(name = "frameworks", mixinStandardHelpOptions = true,
    description = "List compliance frameworks and show their requirements.",
    subcommands = {FrameworksCommand.ListFrameworks.class, FrameworksCommand.Show.class})
final class FrameworksCommand {

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the frameworks.")
  static final class ListFrameworks implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    LibraryOption libraryOption;
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
        description = "table or json (default: ${DEFAULT-VALUE}).")
    ControlsCommand.ListFormat format;

    @Override
    public Integer call() {
      Library library = libraryOption.library(null);
      PrintWriter out = spec.commandLine().getOut();
      if (format == ControlsCommand.ListFormat.json) {
        JsonOut.print(library.frameworks().stream().map(FrameworksCommand::summary).toList(), out);
        return Main.OK;
      }
      Tables table = new Tables("ID", "VERSION", "REQUIREMENTS", "AUTOMATED", "MANUAL", "TITLE");
      for (Framework f : library.frameworks()) {
        long manual = f.requirements().stream().filter(Framework.Requirement::manual).count();
        table.row(f.id(), f.version(), String.valueOf(f.requirements().size()),
            String.valueOf(f.requirements().size() - manual), String.valueOf(manual), f.title());
      }
      table.print(out);
      return Main.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Show a framework's requirements and the controls that verify each.")
  static final class Show implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    LibraryOption libraryOption;
    @Parameters(paramLabel = "ID", description = "A framework id.")
    String id;
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
        description = "table or json (default: ${DEFAULT-VALUE}).")
    ControlsCommand.ListFormat format;

    @Override
    public Integer call() {
      Library library = libraryOption.library(null);
      Framework f = library.framework(id);
      if (f == null) {
        throw new ParameterException(spec.commandLine(), "unknown framework '" + id
            + "' ('plumbline frameworks list' shows them)");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (format == ControlsCommand.ListFormat.json) {
        Map<String, Object> json = summary(f);
        json.put("description", f.description());
        json.put("requirements", f.requirements().stream().map(r -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("id", r.id());
          m.put("title", r.title());
          if (!r.section().isEmpty()) {
            m.put("section", r.section());
          }
          m.put("manual", r.manual());
          if (r.manual()) {
            m.put("procedure", r.procedure());
          }
          m.put("controls", r.controls());
          return m;
        }).toList());
        JsonOut.print(json, out);
        return Main.OK;
      }
      out.println(f.title() + (f.version().isEmpty() ? "" : " (" + f.version() + ")"));
      if (!f.url().isEmpty()) {
        out.println(f.url());
      }
      out.println();
      String section = null;
      for (Framework.Requirement r : f.requirements()) {
        if (!r.section().isEmpty() && !r.section().equals(section)) {
          section = r.section();
          out.println(section);
        }
        out.println("  " + r.id() + "  " + r.title());
        if (r.manual()) {
          out.println("      manual: " + r.procedure().replace("\n", " "));
        } else {
          out.println("      controls: " + String.join(", ", r.controls()));
        }
      }
      return Main.OK;
    }
  }

  static Map<String, Object> summary(Framework f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", f.id());
    m.put("title", f.title());
    m.put("version", f.version());
    m.put("url", f.url());
    List<Framework.Requirement> rs = f.requirements();
    m.put("requirements", rs.size());
    m.put("manual", rs.stream().filter(Framework.Requirement::manual).count());
    return m;
  }
}
