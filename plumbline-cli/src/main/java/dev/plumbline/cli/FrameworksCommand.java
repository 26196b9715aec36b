package dev.plumbline.cli;

import dev.plumbline.control.Framework;
import dev.plumbline.control.Library;
import java.io.PrintWriter;
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
      long manual = f.requirements().stream().filter(Framework.Requirement::manual).count();
      out.println(f.requirements().size() + " requirements: " + (manual == 0
          ? "all verified by controls"
          : (f.requirements().size() - manual) + " verified by controls, " + manual
              + " manual (checked by hand, not scored)"));
      out.println();
      String section = null;
      int idWidth = 0;
      for (Framework.Requirement r : f.requirements()) {
        if (!r.section().equals(section)) {
          if (section != null) {
            out.println();
          }
          section = r.section();
          idWidth = idWidth(f, section);
          if (!section.isEmpty()) {
            out.println(section);
          }
        }
        out.println("  " + pad(r.id(), idWidth) + "  " + r.title());
        String indent = " ".repeat(idWidth + 4);
        if (r.manual()) {
          wrap(out, indent, "manual: ", r.procedure().replace("\n", " "));
        } else {
          wrap(out, indent, "controls: ", String.join(", ", r.controls()));
        }
      }
      return Main.OK;
    }
  }

  /**
   * Short requirement ids (CIS, ATT&CK) are aligned in a column, with the details under the
   * title; a section with longer ids (NSA-CISA, Pod Security) is not aligned, and its details are
   * indented under the id.
   */
  private static final int ID_COLUMN = 12;
  private static final int WIDTH = 100;

  private static int idWidth(Framework f, String section) {
    int width = 0;
    for (Framework.Requirement r : f.requirements()) {
      if (r.section().equals(section)) {
        width = Math.max(width, r.id().length());
      }
    }
    return width <= ID_COLUMN ? width : 0;
  }

  private static String pad(String text, int width) {
    return text.length() >= width ? text : text + " ".repeat(width - text.length());
  }

  /**
   * Prints {@code label + text} wrapped between words, continuation lines aligned. A command in
   * backquotes is never split, so it can be copied from the terminal.
   */
  private static void wrap(PrintWriter out, String indent, String label, String text) {
    String continuation = indent + " ".repeat(label.length());
    StringBuilder line = new StringBuilder(indent).append(label);
    int start = line.length();
    for (String word : words(text.strip())) {
      if (line.length() > start && line.length() + 1 + word.length() > WIDTH) {
        out.println(line);
        line = new StringBuilder(continuation);
        start = line.length();
      } else if (line.length() > start) {
        line.append(' ');
      }
      line.append(word);
    }
    out.println(line);
  }

  /** Splits at spaces outside backquoted spans. */
  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    for (char ch : text.toCharArray()) {
      if (ch == '`') {
        quoted = !quoted;
      }
      if (Character.isWhitespace(ch) && !quoted) {
        if (word.length() > 0) {
          words.add(word.toString());
          word.setLength(0);
        }
      } else {
        word.append(Character.isWhitespace(ch) ? ' ' : ch);
      }
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    return words;
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
