package dev.plumbline.docs;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Json;
import dev.plumbline.control.Library;
import dev.plumbline.control.PatchOp;
import dev.plumbline.fixture.FixtureRunner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generates the control and framework reference pages from the library, so the docs cannot drift
 * from the data: {@code docs/controls/README.md} (the catalog), {@code docs/controls/<id>.md},
 * {@code docs/frameworks/README.md} and {@code docs/frameworks/<id>.md}. A test compares them with
 * the checked-in files and fails when they are stale.
 */
public final class DocsGenerator {
  private static final String NOTICE =
      "<!-- Generated from the control library by DocsGenerator. Do not edit by hand. -->\n\n";

  private final Library library;
  private final String libraryPath;

  /**
   * @param library the library to document
   * @param libraryPath the repository path of the library folder, for links to sources
   *     (for example {@code plumbline-library})
   */
  public DocsGenerator(Library library, String libraryPath) {
    this.library = library;
    this.libraryPath = libraryPath;
  }

  /** Every page: path relative to {@code docs/} to its content. */
  public Map<String, String> pages() {
    Map<String, String> pages = new TreeMap<>();
    pages.put("controls/README.md", catalog());
    for (Control c : library.controls()) {
      pages.put("controls/" + c.id() + ".md", control(c));
    }
    pages.put("frameworks/README.md", frameworkIndex());
    for (Framework f : library.frameworks()) {
      pages.put("frameworks/" + f.id() + ".md", framework(f));
    }
    return pages;
  }

  private String catalog() {
    StringBuilder sb = new StringBuilder(NOTICE);
    sb.append("# Controls\n\n");
    sb.append(library.controls().size()).append(" built-in controls. Each is a folder in `")
        .append(libraryPath).append("/controls/` with its `control.yaml` and its fixtures; ")
        .append("`plumbline controls explain ID` prints the same on the command line.\n\n");
    Map<String, List<Control>> byCategory = new TreeMap<>();
    for (Control c : library.controls()) {
      byCategory.computeIfAbsent(c.category(), k -> new ArrayList<>()).add(c);
    }
    for (Map.Entry<String, List<Control>> e : byCategory.entrySet()) {
      sb.append("## ").append(e.getKey()).append("\n\n");
      sb.append("| Control | Severity | Frameworks |\n|---|---|---|\n");
      for (Control c : e.getValue()) {
        sb.append("| [").append(escape(c.title())).append("](").append(c.id()).append(".md) `")
            .append(c.id()).append("` | ").append(c.severity().label()).append(" | ")
            .append(frameworkList(c)).append(" |\n");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private String frameworkList(Control c) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(c.frameworks()).forEach((f, reqs) ->
        parts.add(f + " " + String.join(", ", reqs)));
    return parts.isEmpty() ? "" : escape(String.join("; ", parts));
  }

  private String control(Control c) {
    StringBuilder sb = new StringBuilder(NOTICE);
    sb.append("# ").append(c.title()).append("\n\n");
    sb.append("| | |\n|---|---|\n");
    sb.append("| Id | `").append(c.id()).append("` (version ").append(c.version()).append(")");
    if (!c.aliases().isEmpty()) {
      sb.append(", formerly `").append(String.join("`, `", c.aliases())).append('`');
    }
    sb.append(" |\n");
    sb.append("| Severity | ").append(c.severity().label()).append(" |\n");
    sb.append("| Category | ").append(c.category()).append(" |\n");
    sb.append("| Applies to | ").append(appliesTo(c)).append(" |\n");
    if (c.pss() != null) {
      sb.append("| Pod Security Standards | ").append(c.pss().level()).append(", upstream check `")
          .append(c.pss().check()).append("`, since ").append(c.since()).append(" |\n");
    }
    if (!c.overrides().isEmpty()) {
      List<String> links = new ArrayList<>();
      for (String id : c.overrides()) {
        links.add("[`" + id + "`](" + id + ".md)");
      }
      sb.append("| Overrides | ").append(String.join(", ", links))
          .append(" (a field both report is reported once, by this control) |\n");
    }
    if (!c.inventoryKinds().isEmpty()) {
      sb.append("| Looks up | ").append(String.join(", ", c.inventoryKinds().stream().sorted()
          .toList())).append(" |\n");
    }
    sb.append('\n').append(c.description()).append("\n\n");
    if (!c.frameworks().isEmpty()) {
      sb.append("## Frameworks\n\n");
      new TreeMap<>(c.frameworks()).forEach((fid, reqs) -> {
        Framework f = library.framework(fid);
        for (String rid : reqs) {
          Framework.Requirement r = f == null ? null : f.requirement(rid);
          sb.append("- [").append(f == null ? fid : escape(f.title())).append("](../frameworks/")
              .append(fid).append(".md) ").append(rid)
              .append(r == null ? "" : ": " + escape(r.title())).append('\n');
        }
      });
      sb.append('\n');
    }
    sb.append("## What it checks\n\n");
    for (Control.Variant v : c.variants()) {
      if (c.variants().size() > 1) {
        sb.append("From policy version ").append(v.since()).append(":\n\n");
      }
      sb.append("```cel\n").append(v.expression()).append("\n```\n\n");
      if (v.path() != null) {
        sb.append("Field: `").append(v.path()).append("`\n\n");
      }
    }
    sb.append("## How to fix it\n\n").append(c.remediation().text()).append("\n\n");
    if (c.remediation().hasPatch()) {
      sb.append("Automatic patch, relative to the ").append(c.target().label()).append(" (")
          .append(c.remediation().safe() ? "safe to apply unattended"
              : "review before applying").append("):\n\n");
      for (PatchOp op : c.remediation().patch()) {
        if (op.op().equals("flag")) {
          sb.append("- `flag ").append(op.value()).append("`: the argument that sets `--")
              .append(op.flagName()).append("` last (in `command` or `args`) becomes `")
              .append(op.value()).append("`; when none does, it is appended to `args`, or to ")
              .append("`command` when there are no args\n");
          continue;
        }
        sb.append("- `").append(op.op()).append(' ').append(op.path().toPointer());
        if (!op.op().equals("remove")) {
          sb.append(" = ").append(Json.brief(op.value()));
        }
        sb.append("`\n");
      }
      sb.append('\n');
      if (c.remediation().skipWhen() != null) {
        sb.append("The patch is not offered for a ").append(c.target().label())
            .append(" where this holds (`remediation.skipWhen`); its finding is left for a ")
            .append("person:\n\n```cel\n").append(c.remediation().skipWhen().expression())
            .append("\n```\n\n");
      }
    }
    if (!c.references().isEmpty()) {
      sb.append("## References\n\n");
      c.references().forEach(r -> sb.append("- ").append(r).append('\n'));
      sb.append('\n');
    }
    List<Path> fixtures = FixtureRunner.fixtures(c);
    if (!fixtures.isEmpty()) {
      sb.append("## Examples\n\n");
      for (Path p : fixtures) {
        String name = p.getFileName().toString();
        String kind = name.startsWith("pass-") ? "passes" : name.startsWith("fail-") ? "fails"
            : name.startsWith("skip-") ? "not judged" : "fixed";
        sb.append("- [").append(name).append("](../../").append(libraryPath).append("/controls/")
            .append(c.id()).append("/tests/").append(name).append(") (").append(kind)
            .append(")\n");
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String appliesTo(Control c) {
    String kinds = c.kinds().isEmpty() ? "every workload kind"
        : String.join(", ", c.kinds().stream().sorted().toList());
    return switch (c.target()) {
      case CONTAINER -> "each container (init, regular, ephemeral) of " + kinds;
      case POD -> "the pod template of " + kinds;
      case RESOURCE -> kinds;
    };
  }

  private String frameworkIndex() {
    StringBuilder sb = new StringBuilder(NOTICE);
    sb.append("# Frameworks\n\n| Framework | Version | Requirements | Automated | Manual |\n")
        .append("|---|---|---|---|---|\n");
    for (Framework f : library.frameworks()) {
      long manual = f.requirements().stream().filter(Framework.Requirement::manual).count();
      sb.append("| [").append(escape(f.title())).append("](").append(f.id()).append(".md) `")
          .append(f.id()).append("` | ").append(f.version()).append(" | ")
          .append(f.requirements().size()).append(" | ")
          .append(f.requirements().size() - manual).append(" | ").append(manual).append(" |\n");
    }
    sb.append("\nScores are explained in [../scoring.md](../scoring.md).\n");
    return sb.toString();
  }

  private String framework(Framework f) {
    StringBuilder sb = new StringBuilder(NOTICE);
    sb.append("# ").append(f.title()).append("\n\n");
    sb.append("Id `").append(f.id()).append('`');
    if (!f.version().isEmpty()) {
      sb.append(", version ").append(f.version());
    }
    if (!f.url().isEmpty()) {
      sb.append(", ").append(f.url());
    }
    sb.append("\n\n");
    if (!f.description().isEmpty()) {
      sb.append(f.description()).append("\n\n");
    }
    String section = null;
    boolean open = false;
    for (Framework.Requirement r : f.requirements()) {
      if (!r.section().equals(section) || !open) {
        section = r.section();
        if (!section.isEmpty()) {
          sb.append("## ").append(section).append("\n\n");
        }
        sb.append("| Requirement | Verified by |\n|---|---|\n");
        open = true;
      }
      sb.append("| ").append(escape(r.id())).append(' ').append(escape(r.title())).append(" | ");
      if (r.manual()) {
        sb.append("manual: ").append(escape(r.procedure().replace("\n", " ")));
      } else {
        List<String> links = new ArrayList<>();
        for (String id : r.controls()) {
          links.add("[`" + id + "`](../controls/" + id + ".md)");
        }
        sb.append(String.join(", ", links));
      }
      sb.append(" |\n");
      Framework.Requirement next = nextOf(f, r);
      if (next == null || !next.section().equals(section)) {
        sb.append('\n');
        open = false;
      }
    }
    return sb.toString();
  }

  private static Framework.Requirement nextOf(Framework f, Framework.Requirement r) {
    int i = f.requirements().indexOf(r);
    return i + 1 < f.requirements().size() ? f.requirements().get(i + 1) : null;
  }

  private static String escape(String text) {
    return text.replace("|", "\\|");
  }
}
