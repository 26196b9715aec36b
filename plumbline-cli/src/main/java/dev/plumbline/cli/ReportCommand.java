package dev.plumbline.cli;

import dev.plumbline.kube.ClusterException;
import dev.plumbline.report.Report;
import dev.plumbline.report.ReportFormat;
import dev.plumbline.report.ScanReport;
import dev.plumbline.scan.Selection;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code plumbline report}: a compliance report of one framework, from a scan of manifests or of
 * a cluster, or from the history store of a running {@code plumbline serve}.
 */
@Command(name = "report", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Write an audit-ready compliance report of one framework: the score (and its "
        + "trend, from a server), each requirement's status with the evidence of every failing "
        + "resource, exceptions with reason, owner and expiry, manual requirements, and when and "
        + "from what it was produced. From manifests (PATH...), a live cluster (--cluster), or "
        + "the store of a running 'plumbline serve' (--server).", "",
        "Exit codes: 0 the report was written, 2 usage or input error (an unknown framework, a "
            + "file that could not be read or parsed: the report is still written and lists it, "
            + "an unreachable cluster or server, a refused token, an unwritable output file)."})
final class ReportCommand implements Callable<Integer> {
  static final String TOKEN_ENV = "PLUMBLINE_TOKEN";

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--framework", paramLabel = "ID", required = true,
      description = "The framework to report on ('plumbline frameworks list').")
  String framework;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "html",
      description = "html, pdf, csv or json (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--output-file", paramLabel = "FILE",
      description = "Write the report to FILE instead of standard output.")
  Path outputFile;

  @Mixin
  ScanInput input;

  @Option(names = "--server", paramLabel = "URL",
      description = "Read the store of a running 'plumbline serve' at URL (for example "
          + "http://localhost:8080) instead of scanning: the report then has the score's trend.")
  String server;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "With --server: a bearer token of the viewer role or above (default: $"
          + TOKEN_ENV + ").")
  String token;

  @Option(names = "--cluster-name", paramLabel = "NAME",
      description = "With --server: the cluster to report on (needed when the store holds "
          + "several).")
  String clusterName;

  @Option(names = "--produced-at", paramLabel = "TIME", hidden = true,
      description = "Stamp the report with this time (ISO-8601) instead of now: for "
          + "reproducible reports and tests.")
  String producedAt;

  @Override
  public Integer call() throws IOException {
    ReportFormat reportFormat;
    try {
      reportFormat = ReportFormat.parse(format);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--format: " + e.getMessage());
    }
    Instant now = now();
    Report report;
    List<String> errors = List.of();
    if (server != null) {
      List<String> given = input.given();
      if (!given.isEmpty()) {
        throw new ParameterException(spec.commandLine(), "--server reads a server's store; "
            + String.join(", ", given) + " belong to a scan: give one or the other, not both");
      }
      String bearer = token != null ? token : System.getenv(TOKEN_ENV);
      report = new ServerReports(ServerReports.baseUrl(server, spec.commandLine()), bearer)
          .fetch(framework, clusterName);
      if (producedAt != null) {
        report = new Report(report.schemaVersion(), now, report.producer(), report.source(),
            report.framework(), report.summary(), report.trend(), report.requirements(),
            report.exceptions(), report.incomplete());
      }
    } else {
      if (token != null || clusterName != null) {
        throw new ParameterException(spec.commandLine(),
            (token != null ? "--token" : "--cluster-name") + " needs --server");
      }
      input.check();
      Selection selection = input.select(List.of(framework), List.of(), null);
      ScanInput.Scanned scanned;
      try {
        scanned = input.scan(selection, Clock.fixed(now, ZoneOffset.UTC));
      } catch (ClusterException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + e.getMessage());
        err.flush();
        return Main.ERROR;
      }
      Report.Source source = input.cluster
          ? new Report.Source("cluster", List.of(), scanned.inputs().get(0), null, null, null)
          : new Report.Source("manifests", scanned.inputs(), null, null, null, null);
      report = ScanReport.of(scanned.result(), scanned.exceptions(), selection.frameworks()
          .get(0).id(), input.library(), source, now);
      errors = scanned.result().errors().stream().map(Object::toString).toList();
    }
    if (!write(report, reportFormat)) {
      return Main.ERROR;
    }
    if (!errors.isEmpty()) {
      PrintWriter err = spec.commandLine().getErr();
      errors.forEach(e -> err.println("error: " + e));
      err.flush();
      return Main.ERROR;
    }
    return Main.OK;
  }

  private Instant now() {
    if (producedAt == null) {
      return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
    try {
      return Instant.parse(producedAt);
    } catch (DateTimeParseException e) {
      throw new ParameterException(spec.commandLine(), "--produced-at: not an ISO-8601 time "
          + "(expected 2026-01-31T12:00:00Z): " + producedAt);
    }
  }

  /** Writes the report; false (with the reason on standard error) when the file is unwritable. */
  private boolean write(Report report, ReportFormat reportFormat) throws IOException {
    if (outputFile == null) {
      byte[] bytes = reportFormat.bytes(report);
      PrintWriter out = spec.commandLine().getOut();
      if (reportFormat == ReportFormat.PDF) {
        out.flush();
        System.out.write(bytes);
        System.out.flush();
      } else {
        out.print(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        out.flush();
      }
      return true;
    }
    Path target = outputFile.toAbsolutePath();
    Path temp = null;
    try {
      Path parent = target.getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (Files.isDirectory(target)) {
        throw new FileSystemException(outputFile.toString(), null, "is a directory");
      }
      // Written beside the target and moved into place: no half-written report is left behind.
      temp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current()
          .pid() + ".tmp");
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp,
          java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE))) {
        reportFormat.write(report, out);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      temp = null;
      return true;
    } catch (FileSystemException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("error: cannot write the report to " + outputFile + ": " + reason(e));
      err.flush();
      return false;
    } finally {
      if (temp != null) {
        Files.deleteIfExists(temp);
      }
    }
  }

  private static String reason(FileSystemException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied" + (e.getFile() == null ? "" : " (" + e.getFile() + ")");
    }
    if (e instanceof NoSuchFileException) {
      return "no such directory" + (e.getFile() == null ? "" : " (" + e.getFile() + ")");
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException
        || e instanceof java.nio.file.NotDirectoryException) {
      return "a file is in the way (" + e.getFile() + ")";
    }
    return e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
  }
}
