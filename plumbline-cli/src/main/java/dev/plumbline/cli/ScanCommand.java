package dev.plumbline.cli;

import dev.plumbline.config.Config;
import dev.plumbline.control.Severity;
import dev.plumbline.kube.ClusterException;
import dev.plumbline.output.OutputContext;
import dev.plumbline.output.OutputFormat;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Selection;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code plumbline scan PATH...} scans manifests; {@code plumbline scan --cluster} a cluster. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Scan Kubernetes manifests: files, directories (recursively: .yaml, .yml, "
        + ".json) and - for standard input (for example the output of helm template or "
        + "kustomize build). With --cluster, scan a live cluster instead (read-only; Secret "
        + "values are never read).", "",
        "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage or "
            + "input error (any file that could not be read or parsed, any kind of object the "
            + "cluster would not list, an unreachable cluster)."})
final class ScanCommand implements Callable<Integer> {
  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Mixin
  ScanInput input;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table, json, sarif, junit or policyreport (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(names = "--output-file", paramLabel = "FILE",
      description = "Write the output to FILE instead of standard output.")
  Path outputFile;

  @Option(names = "--framework", paramLabel = "ID", split = ",",
      description = "Evaluate only the controls of these frameworks (repeatable; "
          + "'plumbline frameworks list').")
  List<String> frameworks = new ArrayList<>();

  @Option(names = "--control", paramLabel = "ID", split = ",",
      description = "Evaluate these controls (repeatable; with --framework, in addition).")
  List<String> controls = new ArrayList<>();

  @Option(names = "--severity", paramLabel = "SEVERITY",
      description = "Evaluate only controls at least this severe: critical, high, medium, low.")
  String severity;

  @Option(names = "--fail-on", paramLabel = "SEVERITY",
      description = "Exit 1 when a finding is at least this severe: critical, high, medium, "
          + "low, or none (default: none).")
  String failOn;

  @Option(names = "--no-color", description = "Never use colour (also: NO_COLOR=1).")
  boolean noColor;

  @Override
  public Integer call() throws IOException {
    input.check();
    OutputFormat format;
    try {
      format = OutputFormat.parse(output);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--output: " + e.getMessage());
    }
    Config settings = input.settings();
    input.library();
    Severity minimum = severity == null ? null : input.severity(severity, "--severity");
    String threshold = failOn != null ? failOn : settings.failOn() != null ? settings.failOn()
        : "none";
    Severity failSeverity = threshold.equalsIgnoreCase("none") ? null
        : input.severity(threshold, "--fail-on");
    Selection selection = input.select(
        frameworks.isEmpty() ? settings.frameworks() : frameworks, controls, minimum);
    ScanResult result;
    List<String> inputs;
    try {
      ScanInput.Scanned scanned = input.scan(selection, Clock.systemUTC());
      result = scanned.result();
      inputs = scanned.inputs();
    } catch (ClusterException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("error: " + e.getMessage());
      err.flush();
      return Main.ERROR;
    }

    boolean toTerminal = outputFile == null && System.console() != null;
    String noColorEnv = System.getenv("NO_COLOR");
    boolean colour = toTerminal && !noColor && (noColorEnv == null || noColorEnv.isEmpty());
    List<String> commandLine = new ArrayList<>(List.of("plumbline"));
    commandLine.addAll(spec.commandLine().getParseResult().originalArgs());
    OutputContext outputContext = new OutputContext(Main.version(), colour, commandLine,
        inputs);
    if (outputFile == null) {
      PrintWriter out = spec.commandLine().getOut();
      format.write(result, outputContext, out);
      out.flush();
    } else {
      Path parent = outputFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (Writer w = new BufferedWriter(new OutputStreamWriter(
          Files.newOutputStream(outputFile), StandardCharsets.UTF_8))) {
        format.write(result, outputContext, w);
      }
    }
    if (!result.errors().isEmpty()) {
      if (outputFile != null || format != OutputFormat.TABLE) {
        PrintWriter err = spec.commandLine().getErr();
        result.errors().forEach(e -> err.println("error: " + e));
        err.flush();
      }
      return Main.ERROR;
    }
    return failSeverity != null && result.hasFindingsAtLeast(failSeverity) ? Main.FINDINGS
        : Main.OK;
  }
}
