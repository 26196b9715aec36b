package dev.plumbline.cli;

import dev.plumbline.config.Config;
import dev.plumbline.control.Remediation;
import dev.plumbline.control.Severity;
import dev.plumbline.fix.ManifestFixer;
import dev.plumbline.fix.UnifiedDiff;
import dev.plumbline.fix.Uneditable;
import dev.plumbline.kube.ClusterConnection;
import dev.plumbline.kube.ClusterException;
import dev.plumbline.kube.ClusterFixer;
import dev.plumbline.kube.ClusterReader;
import dev.plumbline.resource.InputError;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Resource;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code plumbline fix PATH...} applies the remediation patches of failing controls to manifest
 * files in place, editing their text so that everything else stays as it was.
 */
@Command(name = "fix", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Fix manifests in place: scan them as 'plumbline scan' does and apply the "
        + "remediation patch of each failing control to the file's text (comments, key order, "
        + "quoting and untouched lines are kept). Only patches marked safe are applied unless "
        + "--all is given. Lists what it changed and what it left for a person.", "",
        "With --dry-run, prints a unified diff on standard output (the report goes to standard "
            + "error) and changes nothing.", "",
        "With --cluster, prints one strategic merge patch per object to fix and its kubectl "
            + "patch command; --apply applies each after a server-side dry run succeeds.", "",
        "Exit codes: 0 nothing left to fix (with --dry-run, or --cluster without --apply: "
            + "nothing would be left), 1 findings left for a person (no patch, an unsafe "
            + "patch without --all, a file that cannot be edited safely, a patch the server "
            + "rejected), 2 usage or input error (a file that could not be read or parsed is "
            + "never changed; the other files still are; an unreachable cluster)."})
final class FixCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--dry-run",
      description = "Print the changes as a unified diff instead of writing them.")
  boolean dryRun;

  @Option(names = "--all",
      description = "Also apply patches that are not marked safe (review the result).")
  boolean all;

  @Option(names = "--apply",
      description = "With --cluster: apply the patches, each after a server-side dry run of it "
          + "succeeds, and report each result.")
  boolean apply;

  @Mixin
  ScanInput input;

  @Option(names = "--framework", paramLabel = "ID", split = ",",
      description = "Fix only the controls of these frameworks (repeatable; "
          + "'plumbline frameworks list').")
  List<String> frameworks = new ArrayList<>();

  @Option(names = "--control", paramLabel = "ID", split = ",",
      description = "Fix these controls (repeatable; with --framework, in addition).")
  List<String> controls = new ArrayList<>();

  @Option(names = "--severity", paramLabel = "SEVERITY",
      description = "Fix only controls at least this severe: critical, high, medium, low.")
  String severity;

  /** A finding left for a person, with why. */
  private record Left(Finding finding, String why) {}

  @Override
  public Integer call() throws IOException {
    if (!input.cluster && apply) {
      throw new ParameterException(spec.commandLine(), "--apply needs --cluster");
    }
    if (input.cluster && dryRun) {
      throw new ParameterException(spec.commandLine(), "--cluster only prints the patches "
          + "unless --apply is given: --dry-run is not needed");
    }
    if (input.paths.contains("-")) {
      throw new ParameterException(spec.commandLine(), "standard input cannot be fixed in "
          + "place: give the files (or use 'plumbline scan -' to see what to fix)");
    }
    input.check();
    Config settings = input.settings();
    Severity minimum = severity == null ? null : input.severity(severity, "--severity");
    Selection selection = input.select(
        frameworks.isEmpty() ? settings.frameworks() : frameworks, controls, minimum);
    ScanOptions options = input.options(selection, Clock.systemUTC());
    if (input.cluster) {
      return cluster(selection, options);
    }
    ManifestReader.Result read = new ManifestReader().read(input.paths, System.in);
    ScanResult result = new Scanner(options).scan(read);

    Map<String, List<InputError>> errorsByFile = new TreeMap<>();
    for (InputError e : result.errors()) {
      errorsByFile.computeIfAbsent(e.file(), f -> new ArrayList<>()).add(e);
    }
    Map<String, List<Finding>> byFile = new LinkedHashMap<>();
    for (Finding f : result.findings()) {
      byFile.computeIfAbsent(f.origin().file(), k -> new ArrayList<>()).add(f);
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter report = dryRun ? spec.commandLine().getErr() : out;
    List<Finding> fixed = new ArrayList<>();
    List<Left> left = new ArrayList<>();
    Map<String, String[]> edited = new LinkedHashMap<>();
    Map<String, List<Finding>> appliedIn = new LinkedHashMap<>();
    for (Map.Entry<String, List<Finding>> e : byFile.entrySet()) {
      String file = e.getKey();
      List<Finding> apply = new ArrayList<>();
      for (Finding f : e.getValue()) {
        if (!f.control().remediation().hasPatch()) {
          left.add(new Left(f, "no automatic fix"));
        } else if (!f.patchable()) {
          left.add(new Left(f, Remediation.WITHHELD));
        } else if (!f.control().remediation().safe() && !all) {
          left.add(new Left(f, "the fix needs review: run with --all to apply it"));
        } else {
          apply.add(f);
        }
      }
      if (apply.isEmpty()) {
        continue;
      }
      if (errorsByFile.containsKey(file)) {
        InputError first = errorsByFile.get(file).get(0);
        apply.forEach(f -> left.add(new Left(f, "file not edited: it has an error ("
            + first + ")")));
        continue;
      }
      try {
        String before;
        try {
          before = ManifestFixer.read(Path.of(file));
        } catch (IOException io) {
          throw new Uneditable("cannot read it: " + io.getMessage(), 0);
        }
        String after = ManifestFixer.fix(file, before, apply);
        if (!after.equals(before)) {
          edited.put(file, new String[] {before, after});
          appliedIn.put(file, apply);
        }
        fixed.addAll(apply);
      } catch (Uneditable u) {
        String where = u.line() > 0 ? " (line " + u.line() + ")" : "";
        apply.forEach(f -> left.add(new Left(f, "file not edited: " + u.getMessage() + where)));
      }
    }

    // A patch that does not make its finding go away (a container that overrides the pod
    // setting the patch adds) is reported as such: the edited files are scanned again, with
    // the other files, as they would be after the fix.
    if (!fixed.isEmpty()) {
      Set<String> still = new HashSet<>();
      rescan(read, edited, options).findings().forEach(f -> still.add(where(f)));
      for (Iterator<Finding> i = fixed.iterator(); i.hasNext(); ) {
        Finding f = i.next();
        if (still.contains(where(f))) {
          i.remove();
          left.add(new Left(f, "its automatic fix does not resolve it here (something else "
              + "overrides the fixed setting)"));
        }
      }
      // and its change is not made
      for (Iterator<Map.Entry<String, String[]>> i = edited.entrySet().iterator(); i.hasNext(); ) {
        Map.Entry<String, String[]> e = i.next();
        List<Finding> resolving = appliedIn.get(e.getKey()).stream()
            .filter(f -> !still.contains(where(f))).toList();
        if (resolving.isEmpty()) {
          i.remove();
        } else if (resolving.size() < appliedIn.get(e.getKey()).size()) {
          e.setValue(new String[] {e.getValue()[0],
              ManifestFixer.fix(e.getKey(), e.getValue()[0], resolving)});
        }
      }
    }
    List<String> writeErrors = new ArrayList<>();
    for (Iterator<Map.Entry<String, String[]>> i = edited.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<String, String[]> e = i.next();
      if (dryRun) {
        out.print(UnifiedDiff.of(e.getKey(), e.getValue()[0], e.getValue()[1]));
        continue;
      }
      try {
        ManifestFixer.write(Path.of(e.getKey()), e.getValue()[1]);
      } catch (IOException io) {
        writeErrors.add(e.getKey() + ": cannot write (left as it was): " + io.getMessage());
        i.remove();
        for (Finding f : appliedIn.get(e.getKey())) {
          if (fixed.remove(f)) {
            left.add(new Left(f, "file not written: " + io.getMessage()));
          }
        }
      }
    }
    Map<Finding, Integer> order = new IdentityHashMap<>();
    result.findings().forEach(f -> order.put(f, order.size()));
    left.sort(Comparator.comparingInt(l -> order.get(l.finding())));

    String verb = dryRun ? "would fix" : "fixed";
    for (Finding f : fixed) {
      report.println(verb + "  " + location(f) + "  " + f.controlId() + "  "
          + f.resource().display() + "  " + f.path());
    }
    if (!left.isEmpty()) {
      if (!fixed.isEmpty()) {
        report.println();
      }
      report.println("left for a person:");
      for (Left l : left) {
        Finding f = l.finding();
        report.println("  " + location(f) + "  " + f.controlId() + "  "
            + f.resource().display() + "  " + f.path());
        report.println("      " + l.why());
        for (String line : f.control().remediation().text().strip().split("\n")) {
          report.println(line.isBlank() ? "" : "      " + line.stripTrailing());
        }
      }
    }
    for (InputError e : result.errors()) {
      report.println("error: " + e);
    }
    writeErrors.forEach(e -> report.println("error: " + e));
    report.println((fixed.isEmpty() ? "nothing " + verb : verb + " " + fixed.size()
        + " finding(s) in " + edited.size() + " file(s)") + "; " + left.size()
        + " left for a person" + (result.errors().isEmpty() && writeErrors.isEmpty() ? ""
        : "; " + (result.errors().size() + writeErrors.size()) + " error(s)"));
    report.flush();
    out.flush();
    if (!result.errors().isEmpty() || !writeErrors.isEmpty()) {
      return Main.ERROR;
    }
    return left.isEmpty() ? Main.OK : Main.FINDINGS;
  }

  /** {@code fix --cluster}: print the patches, and apply them with {@code --apply}. */
  private int cluster(Selection selection, ScanOptions options) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (KubernetesClient client = ClusterConnection.open(input.kubeconfig, input.context)) {
      ClusterReader.Result read = new ClusterReader(client).read(
          ClusterReader.kindsFor(selection.controls()), options.namespaces());
      ScanResult result = new Scanner(options)
          .scan(read.resources(), read.errors(), read.notes(), 0);
      ClusterFixer.Plan plan = ClusterFixer.plan(read.resources(), result.findings(), all);
      ClusterFixer fixer = new ClusterFixer(client);
      int applied = 0;
      int rejected = 0;
      for (ClusterFixer.Patch patch : plan.patches()) {
        out.print(patch.yaml());
        out.println(patch.kubectl());
        if (apply) {
          ClusterFixer.Applied a = fixer.apply(patch);
          out.println((a.ok() ? "applied: " : "not applied: ") + patch.target().display()
              + ": " + a.message());
          if (a.ok()) {
            applied++;
          } else {
            rejected++;
          }
        }
        out.println();
      }
      if (!plan.left().isEmpty()) {
        out.println("left for a person:");
        for (ClusterFixer.Left l : plan.left()) {
          Finding f = l.finding();
          out.println("  " + f.resource().display() + "  " + f.controlId() + "  " + f.path());
          out.println("      " + l.reason());
          for (String line : f.control().remediation().text().strip().split("\n")) {
            out.println(line.isBlank() ? "" : "      " + line.stripTrailing());
          }
        }
      }
      for (InputError e : result.errors()) {
        out.println("error: " + e);
      }
      out.println(plan.patches().size() + " patch(es) for " + ClusterConnection.describe(client)
          + (apply ? ": " + applied + " applied, " + rejected + " not applied" : "")
          + "; " + plan.left().size() + " finding(s) left for a person"
          + (result.errors().isEmpty() ? "" : "; " + result.errors().size() + " error(s)"));
      out.flush();
      if (!result.errors().isEmpty()) {
        return Main.ERROR;
      }
      return plan.left().isEmpty() && rejected == 0 ? Main.OK : Main.FINDINGS;
    } catch (ClusterException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return Main.ERROR;
    }
  }

  /**
   * A finding's identity across the fix: its id (control, object, field) in its file and
   * document (the same object may be in two files; lines move when lines are added).
   */
  private static String where(Finding f) {
    return f.origin().file() + "\n" + f.origin().document() + "\n" + f.id();
  }

  /** Scans the input again with the edited files' new text in place of the old. */
  private static ScanResult rescan(ManifestReader.Result input, Map<String, String[]> edited,
      ScanOptions options) {
    List<Resource> resources = new ArrayList<>();
    Set<String> replaced = new HashSet<>();
    for (Resource r : input.resources()) {
      String file = r.origin().file();
      if (!edited.containsKey(file)) {
        resources.add(r);
      } else if (replaced.add(file)) {
        String text = edited.get(file)[1];
        resources.addAll(new ManifestReader().readString(file,
            text.startsWith("\uFEFF") ? text.substring(1) : text).resources());
      }
    }
    return new Scanner(options).scan(resources, List.of(), List.of(), input.files());
  }

  private static String location(Finding f) {
    return f.line() > 0 ? f.origin().file() + ":" + f.line() : f.origin().file();
  }
}
