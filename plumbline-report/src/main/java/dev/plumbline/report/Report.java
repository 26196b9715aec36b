package dev.plumbline.report;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A compliance report: one framework's requirements, each with its status and the evidence for
 * every failing resource, the exceptions in force, the score and its trend, and when and from what
 * the report was produced. Every format (HTML, PDF, CSV, JSON) renders this one value; the JSON
 * form is its exact serialisation (field names documented in docs/reports.md and stable within a
 * {@link #schemaVersion}).
 *
 * <p>Lists are in a deterministic order: requirements as the framework lists them, evidence by
 * resource (namespace, kind, name), control and path, exceptions by id.
 *
 * @param schemaVersion the version of this structure ({@link #SCHEMA_VERSION})
 * @param producedAt when the report was produced
 * @param producer what produced it
 * @param source what it was produced from
 * @param framework the framework it reports on
 * @param summary the score and counts
 * @param trend the score over time, when there is history
 * @param requirements every requirement of the framework, in the framework's order
 * @param exceptions the exceptions (accepted risks) that concern the framework's controls
 * @param incomplete what the report could not cover (inputs that could not be read, evidence
 *     lists cut at a limit); empty when it is complete
 */
public record Report(int schemaVersion, Instant producedAt, Producer producer, Source source,
    FrameworkInfo framework, Summary summary, Trend trend, List<Requirement> requirements,
    List<ExceptionEntry> exceptions, List<String> incomplete) {

  /** The version of this structure; bumped when a field changes meaning or disappears. */
  public static final int SCHEMA_VERSION = 1;

  public Report {
    Objects.requireNonNull(producedAt, "producedAt");
    requirements = List.copyOf(requirements);
    exceptions = List.copyOf(exceptions);
    incomplete = List.copyOf(incomplete);
  }

  /** A requirement's status. */
  public static final String PASS = "pass";
  public static final String FAIL = "fail";
  public static final String NOT_APPLICABLE = "not_applicable";
  public static final String MANUAL = "manual";

  /**
   * What produced the report.
   *
   * @param plumblineVersion the Plumbline version
   * @param libraryControls how many controls the control library held
   * @param libraryFrameworks how many frameworks it held
   * @param libraryDigest a digest of the library's control ids and versions and framework ids and
   *     versions: two reports with the same digest judged with the same control logic
   */
  public record Producer(String plumblineVersion, int libraryControls, int libraryFrameworks,
      String libraryDigest) {}

  /**
   * What the report was produced from.
   *
   * @param kind {@code manifests}, {@code cluster} (a live scan) or {@code server} (the history
   *     store of {@code plumbline serve})
   * @param inputs the files and directories scanned, as named, for {@code manifests}
   * @param cluster the cluster: kubeconfig context and API server, or the store's cluster name
   * @param server the server's URL when read through its API
   * @param scannedAt when the scan ran, or when the store's latest snapshot was taken
   * @param pssVersion the Pod Security Standards policy version used, when known
   */
  public record Source(String kind, List<String> inputs, String cluster, String server,
      Instant scannedAt, String pssVersion) {
    public Source {
      inputs = inputs == null ? List.of() : List.copyOf(inputs);
    }
  }

  /** The framework: its id, title, version and where it is published. */
  public record FrameworkInfo(String id, String title, String version, String url) {}

  /**
   * The headline numbers.
   *
   * @param score the framework score, 0-100; null when no requirement could be judged
   * @param passed requirements that pass
   * @param failed requirements that fail
   * @param notApplicable requirements no control could judge
   * @param manual requirements a person must check
   * @param failingResources distinct resources failing at least one requirement
   * @param openFindings open findings of the framework's controls
   * @param suppressedFindings findings covered by an exception
   */
  public record Summary(Double score, int passed, int failed, int notApplicable, int manual,
      int failingResources, int openFindings, int suppressedFindings) {}

  /**
   * The score over time.
   *
   * @param available whether there is history
   * @param note why there is none, or what the points are
   * @param points the framework score at each stored snapshot, oldest first
   */
  public record Trend(boolean available, String note, List<TrendPoint> points) {
    public Trend {
      points = List.copyOf(points);
    }

    /** No history, and why. */
    public static Trend none(String why) {
      return new Trend(false, why, List.of());
    }
  }

  /** One point of the trend; score null when nothing was judged then. */
  public record TrendPoint(Instant at, Double score) {}

  /**
   * One requirement.
   *
   * @param id the framework's id for it ({@code 5.2.2})
   * @param title what it asks
   * @param section the group it belongs to; may be empty
   * @param status {@link #PASS}, {@link #FAIL}, {@link #NOT_APPLICABLE} or {@link #MANUAL}
   * @param score its score, 0-100; null when not judged
   * @param controls the controls that verify it
   * @param procedure for a manual requirement, how to check it by hand
   * @param failures the evidence of every open finding of its controls
   * @param suppressed findings of its controls covered by an exception, with its id
   */
  public record Requirement(String id, String title, String section, String status, Double score,
      List<String> controls, String procedure, List<Evidence> failures,
      List<Evidence> suppressed) {
    public Requirement {
      controls = List.copyOf(controls);
      failures = List.copyOf(failures);
      suppressed = List.copyOf(suppressed);
    }
  }

  /**
   * The evidence of one finding.
   *
   * @param finding the finding's stable id
   * @param control the control that found it
   * @param controlTitle its title
   * @param severity critical, high, medium or low
   * @param resource the resource
   * @param path the offending field
   * @param value the offending value as compact JSON; null when the setting is missing
   * @param file the file the resource came from; null for live objects
   * @param line the line of the field in that file; 0 when unknown
   * @param resourceVersion the resourceVersion of a live object; null for files
   * @param message what is wrong
   * @param remediation how to fix it
   * @param exception the exception covering it; null for an open finding
   */
  public record Evidence(String finding, String control, String controlTitle, String severity,
      ResourceId resource, String path, String value, String file, int line,
      String resourceVersion, String message, String remediation, String exception) {}

  /** A Kubernetes object: apiVersion, kind, namespace (empty when cluster-scoped) and name. */
  public record ResourceId(String apiVersion, String kind, String namespace, String name) {
    /** {@code Kind/namespace/name}, or {@code Kind/name} without a namespace. */
    public String display() {
      return namespace == null || namespace.isEmpty() ? kind + "/" + name
          : kind + "/" + namespace + "/" + name;
    }
  }

  /**
   * An exception (accepted risk).
   *
   * @param id its id (store id, or name in an exceptions file, or file:line)
   * @param reason why the risk is accepted
   * @param owner who owns it
   * @param expires the last day it applies (ISO date)
   * @param status {@code active} or {@code expired} on the day the report was produced
   * @param controls the controls it covers ({@code *} for all)
   * @param scope what else it is limited to (namespaces, kinds, names, labels, clusters), in
   *     words; empty for everything
   * @param suppressedFindings the findings of this framework it covers
   */
  public record ExceptionEntry(String id, String reason, String owner, String expires,
      String status, List<String> controls, String scope, int suppressedFindings) {
    public ExceptionEntry {
      controls = List.copyOf(controls);
    }
  }
}
