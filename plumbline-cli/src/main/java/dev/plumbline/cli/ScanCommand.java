package dev.plumbline.cli;

import dev.plumbline.config.Config;
import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.kube.ClusterConnection;
import dev.plumbline.kube.ClusterException;
import dev.plumbline.kube.ClusterReader;
import dev.plumbline.output.OutputContext;
import dev.plumbline.output.OutputFormat;
import dev.plumbline.resource.InputException;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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

  @Parameters(paramLabel = "PATH", arity = "0..*",
      description = "Files or directories to scan; - reads standard input.")
  List<String> paths = new ArrayList<>();

  @Option(names = "--cluster",
      description = "Scan the live cluster of the kubeconfig's current context (or, inside a "
          + "pod, of its service account) instead of manifests.")
  boolean cluster;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "With --cluster: the kubeconfig to use (default: $KUBECONFIG or "
          + "~/.kube/config).")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME",
      description = "With --cluster: the kubeconfig context to use (default: its current one).")
  String context;

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

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", split = ",",
      description = "Judge only resources in these namespaces (repeatable). A namespaced "
          + "manifest without a namespace counts as 'default'. With --cluster, namespaced kinds "
          + "are read from these namespaces only.")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--fail-on", paramLabel = "SEVERITY",
      description = "Exit 1 when a finding is at least this severe: critical, high, medium, "
          + "low, or none (default: none).")
  String failOn;

  @Option(names = "--pss-version", paramLabel = "v1.N",
      description = "Pod Security Standards policy version (default: latest, "
          + "currently v1.37).")
  String pssVersion;

  @Option(names = "--exceptions", paramLabel = "FILE",
      description = "Accepted risks (YAML): matching findings are listed as suppressed.")
  Path exceptions;

  @Option(names = "--config", paramLabel = "FILE",
      description = "A configuration file; flags override its settings.")
  Path config;

  @Option(names = "--no-color", description = "Never use colour (also: NO_COLOR=1).")
  boolean noColor;

  @Mixin
  LibraryOption libraryOption;

  @Override
  public Integer call() throws IOException {
    if (cluster && !paths.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--cluster scans a cluster, PATH "
          + "arguments scan manifests: give one or the other, not both");
    }
    if (!cluster && (kubeconfig != null || context != null)) {
      throw new ParameterException(spec.commandLine(),
          (kubeconfig != null ? "--kubeconfig" : "--context") + " needs --cluster");
    }
    if (!cluster && paths.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "nothing to scan: give files, "
          + "directories, or - for standard input, or --cluster for a live cluster");
    }
    OutputFormat format;
    try {
      format = OutputFormat.parse(output);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--output: " + e.getMessage());
    }
    Config settings = config == null ? Config.EMPTY : loadConfig(config);
    Library library = libraryOption.library(settings.controls());
    Severity minimum = severity == null ? null : severity(severity, "--severity");
    String threshold = failOn != null ? failOn : settings.failOn() != null ? settings.failOn()
        : "none";
    Severity failSeverity = threshold.equalsIgnoreCase("none") ? null
        : severity(threshold, "--fail-on");
    PolicyVersion version = settings.pssVersion() != null ? settings.pssVersion()
        : PolicyVersion.LATEST;
    if (pssVersion != null) {
      try {
        version = PolicyVersion.parse(pssVersion);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--pss-version: " + e.getMessage());
      }
    }
    if (version.compareTo(PolicyVersion.LATEST) > 0) {
      throw new ParameterException(spec.commandLine(), "--pss-version: " + version
          + " is newer than the newest version this Plumbline knows (" + PolicyVersion.LATEST
          + ")");
    }
    Selection selection;
    try {
      selection = Selection.resolve(library,
          frameworks.isEmpty() ? settings.frameworks() : frameworks, controls, minimum,
          settings.severities());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Path exceptionsFile = exceptions != null ? exceptions : settings.exceptions();
    ExceptionSet exceptionSet = ExceptionSet.NONE;
    if (exceptionsFile != null) {
      try {
        exceptionSet = ExceptionSet.load(exceptionsFile, id -> library.control(id) != null);
      } catch (InputException e) {
        throw new ParameterException(spec.commandLine(), "--exceptions: " + e.getMessage());
      }
    }
    ScanOptions options = ScanOptions.of(selection)
        .withPssVersion(version)
        .withNamespaces(new LinkedHashSet<>(namespaces))
        .withExceptions(exceptionSet)
        .withClock(Clock.systemUTC());
    ScanResult result;
    List<String> inputs = paths;
    if (cluster) {
      try (KubernetesClient client = ClusterConnection.open(kubeconfig, context)) {
        ClusterReader.Result read = new ClusterReader(client)
            .read(ClusterReader.kindsFor(selection.controls()), options.namespaces());
        inputs = List.of(ClusterConnection.describe(client));
        result = new Scanner(options).scan(read.resources(), read.errors(), read.notes(), 0);
      } catch (ClusterException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + e.getMessage());
        err.flush();
        return Main.ERROR;
      }
    } else {
      ManifestReader.Result input = new ManifestReader().read(paths, System.in);
      result = new Scanner(options).scan(input);
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

  private Config loadConfig(Path file) {
    try {
      return Config.load(file);
    } catch (InputException e) {
      throw new ParameterException(spec.commandLine(), "--config: " + e.getMessage());
    }
  }

  private Severity severity(String text, String flag) {
    try {
      return Severity.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
    }
  }
}
