package dev.plumbline.cli;

import dev.plumbline.config.Config;
import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.resource.InputException;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.Selection;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options that decide what the engine evaluates, and how: the same for every command that
 * scans ({@code scan}, {@code fix}), so that they judge alike.
 */
final class EngineOptions {
  /** The engine's settings as resolved from the flags and the configuration file. */
  record Resolved(Config settings, Library library, Selection selection, ScanOptions options) {}

  @Spec(Spec.Target.MIXEE)
  picocli.CommandLine.Model.CommandSpec spec;

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

  /** Resolves the flags and the configuration file; usage errors name the flag. */
  Resolved resolve() {
    Config settings = config == null ? Config.EMPTY : loadConfig(config);
    Library library = libraryOption.library(settings.controls());
    Severity minimum = severity == null ? null : severity(severity, "--severity");
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
    return new Resolved(settings, library, selection, options);
  }

  private Config loadConfig(Path file) {
    try {
      return Config.load(file);
    } catch (InputException e) {
      throw new ParameterException(spec.commandLine(), "--config: " + e.getMessage());
    }
  }

  /** A severity flag's value; a usage error naming the flag when it is not one. */
  Severity severity(String text, String flag) {
    try {
      return Severity.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), flag + ": " + e.getMessage());
    }
  }
}
