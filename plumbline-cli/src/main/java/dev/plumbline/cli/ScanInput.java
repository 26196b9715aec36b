package dev.plumbline.cli;

import dev.plumbline.config.Config;
import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.kube.ClusterConnection;
import dev.plumbline.kube.ClusterException;
import dev.plumbline.kube.ClusterReader;
import dev.plumbline.resource.InputException;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Selection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What to scan and how, shared by {@code scan}, {@code report} and {@code fix}: manifests (PATH...) or a live
 * cluster (--cluster), the namespaces, the Pod Security Standards version, exceptions, the
 * configuration file and custom controls. The command adds what to select and what to output.
 */
final class ScanInput {
  @Spec(Spec.Target.MIXEE)
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

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", split = ",",
      description = "Judge only resources in these namespaces (repeatable). A namespaced "
          + "manifest without a namespace counts as 'default'. With --cluster, namespaced kinds "
          + "are read from these namespaces only.")
  List<String> namespaces = new ArrayList<>();

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

  @Mixin
  LibraryOption libraryOption;

  private Config settings;
  private Library library;

  /**
   * What a scan read and found.
   *
   * @param result the scan
   * @param inputs the inputs as named (files, directories, -, or the cluster's description)
   * @param exceptions the exceptions applied
   */
  record Scanned(ScanResult result, List<String> inputs, ExceptionSet exceptions) {}

  /** Refuses contradictory or missing inputs (usage errors). */
  void check() {
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
  }

  /** The scan options given, by flag: to refuse them where no scan runs. */
  List<String> given() {
    List<String> out = new ArrayList<>();
    if (!paths.isEmpty()) {
      out.add("PATH");
    }
    if (cluster) {
      out.add("--cluster");
    }
    if (kubeconfig != null) {
      out.add("--kubeconfig");
    }
    if (context != null) {
      out.add("--context");
    }
    if (!namespaces.isEmpty()) {
      out.add("--namespace");
    }
    if (pssVersion != null) {
      out.add("--pss-version");
    }
    if (exceptions != null) {
      out.add("--exceptions");
    }
    if (config != null) {
      out.add("--config");
    }
    if (libraryOption.controls != null) {
      out.add("--controls");
    }
    return out;
  }

  /** The configuration file's settings, or none. */
  Config settings() {
    if (settings == null) {
      try {
        settings = config == null ? Config.EMPTY : Config.load(config);
      } catch (InputException e) {
        throw new ParameterException(spec.commandLine(), "--config: " + e.getMessage());
      }
    }
    return settings;
  }

  /** The library: built in, joined with --controls (or the configuration's) when given. */
  Library library() {
    if (library == null) {
      library = libraryOption.library(settings().controls());
    }
    return library;
  }

  /** The selection of controls and frameworks, with the configuration's severities. */
  Selection select(List<String> frameworks, List<String> controls, Severity minimum) {
    try {
      return Selection.resolve(library(), frameworks, controls, minimum,
          settings().severities());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * Scans the manifests or the cluster.
   *
   * @throws ParameterException for a bad --pss-version or exceptions file
   * @throws ClusterException when the cluster cannot be read
   */
  Scanned scan(Selection selection, Clock clock) throws ClusterException {
    ScanOptions options = options(selection, clock);
    if (cluster) {
      try (KubernetesClient client = ClusterConnection.open(kubeconfig, context)) {
        ClusterReader.Result read = new ClusterReader(client)
            .read(ClusterReader.kindsFor(selection.controls()), options.namespaces());
        List<String> inputs = List.of(ClusterConnection.describe(client));
        ScanResult result = new Scanner(options).scan(read.resources(), read.errors(),
            read.notes(), 0);
        return new Scanned(result, inputs, options.exceptions());
      }
    }
    ManifestReader.Result input = new ManifestReader().read(paths, System.in);
    return new Scanned(new Scanner(options).scan(input), paths, options.exceptions());
  }

  /**
   * The engine's options: the selection with the policy version, namespaces and exceptions.
   *
   * @throws ParameterException for a bad --pss-version or exceptions file
   */
  ScanOptions options(Selection selection, Clock clock) {
    Config s = settings();
    PolicyVersion version = s.pssVersion() != null ? s.pssVersion() : PolicyVersion.LATEST;
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
    Path exceptionsFile = exceptions != null ? exceptions : s.exceptions();
    ExceptionSet exceptionSet = ExceptionSet.NONE;
    if (exceptionsFile != null) {
      Library lib = library();
      try {
        exceptionSet = ExceptionSet.load(exceptionsFile, id -> lib.control(id) != null);
      } catch (InputException e) {
        throw new ParameterException(spec.commandLine(), "--exceptions: " + e.getMessage());
      }
    }
    return ScanOptions.of(selection)
        .withPssVersion(version)
        .withNamespaces(new LinkedHashSet<>(namespaces))
        .withExceptions(exceptionSet)
        .withClock(clock);
  }

  /** A severity flag's value. */
  Severity severity(String text, String flag) {
    try {
      return Severity.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
    }
  }
}
