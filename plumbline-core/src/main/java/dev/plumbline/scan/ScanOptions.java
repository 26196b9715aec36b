package dev.plumbline.scan;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.control.Severity;
import dev.plumbline.exceptions.ExceptionSet;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a scan evaluates and how.
 *
 * @param controls the controls to evaluate (see {@link Selection})
 * @param frameworks the frameworks to score
 * @param pssVersion the Pod Security Standards policy version
 * @param namespaces only resources in these namespaces are judged; empty for all
 * @param exceptions accepted risks
 * @param severities severity overrides by control id
 * @param clock the clock that decides which exceptions have expired and stamps the result
 */
public record ScanOptions(List<Control> controls, List<Framework> frameworks,
    PolicyVersion pssVersion, Set<String> namespaces, ExceptionSet exceptions,
    Map<String, Severity> severities, Clock clock) {

  public ScanOptions {
    controls = List.copyOf(controls);
    frameworks = List.copyOf(frameworks);
    namespaces = Set.copyOf(namespaces);
    severities = Map.copyOf(severities);
  }

  /** Every control and framework of a selection, latest policy version, no exceptions. */
  public static ScanOptions of(Selection selection) {
    return new ScanOptions(selection.controls(), selection.frameworks(), PolicyVersion.LATEST,
        Set.of(), ExceptionSet.NONE, selection.severities(), Clock.systemUTC());
  }

  public ScanOptions withPssVersion(PolicyVersion version) {
    return new ScanOptions(controls, frameworks, version, namespaces, exceptions, severities,
        clock);
  }

  public ScanOptions withNamespaces(Set<String> selected) {
    return new ScanOptions(controls, frameworks, pssVersion, selected, exceptions, severities,
        clock);
  }

  public ScanOptions withExceptions(ExceptionSet set) {
    return new ScanOptions(controls, frameworks, pssVersion, namespaces, set, severities, clock);
  }

  public ScanOptions withClock(Clock c) {
    return new ScanOptions(controls, frameworks, pssVersion, namespaces, exceptions, severities,
        c);
  }

  /** The effective severity of a control. */
  public Severity severityOf(Control control) {
    return severities.getOrDefault(control.id(), control.severity());
  }
}
