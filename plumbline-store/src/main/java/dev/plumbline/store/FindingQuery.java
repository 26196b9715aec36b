package dev.plumbline.store;

import dev.plumbline.control.Severity;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A filter, order and page of stored findings. Filters combine with AND; the values of one
 * filter with OR; an empty filter matches everything. Start from {@link #all()}:
 *
 * <pre>
 * FindingQuery.all().cluster("prod").statuses(FindingStatus.OPEN)
 *     .severities(Severity.CRITICAL, Severity.HIGH).text("hostpath")
 *     .sort(FindingQuery.Sort.LAST_SEEN, true).page(0, 50)
 * </pre>
 *
 * @param cluster one cluster; null for every cluster
 * @param namespaces namespaces ({@code ""} for cluster-scoped resources)
 * @param controls control ids
 * @param severities effective severities
 * @param statuses statuses
 * @param frameworks framework ids: findings of controls that map to any of them
 * @param text words that must all occur (case-insensitively) in the control id or title, the
 *     resource's namespace/kind/name, the message or the path; null or blank for none
 * @param sort the order
 * @param descending whether the order is reversed
 * @param offset how many matching findings to skip
 * @param limit the page size, 1 to 1000
 */
public record FindingQuery(String cluster, Set<String> namespaces, Set<String> controls,
    Set<Severity> severities, Set<FindingStatus> statuses, Set<String> frameworks, String text,
    Sort sort, boolean descending, int offset, int limit) {

  /** The largest page. */
  public static final int MAX_LIMIT = 1000;

  /** Orders of the finding list; each ends with the finding id, so pages are stable. */
  public enum Sort {
    /** Critical first. */
    SEVERITY,
    /** Oldest first. */
    FIRST_SEEN,
    /** Least recently seen first. */
    LAST_SEEN,
    /** By control id. */
    CONTROL,
    /** By namespace, kind, name. */
    RESOURCE
  }

  /** What finding counts are grouped by. */
  public enum GroupBy {
    SEVERITY,
    STATUS,
    NAMESPACE,
    CONTROL,
    KIND,
    CLUSTER
  }

  public FindingQuery {
    namespaces = Set.copyOf(namespaces);
    controls = Set.copyOf(controls);
    severities = severities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(severities));
    statuses = statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
    frameworks = Set.copyOf(frameworks);
    text = text == null || text.isBlank() ? null : text.strip();
    sort = sort == null ? Sort.SEVERITY : sort;
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative: " + offset);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ": " + limit);
    }
  }

  /** Every finding of every cluster, worst first, the first 50. */
  public static FindingQuery all() {
    return new FindingQuery(null, Set.of(), Set.of(), Set.of(), Set.of(), Set.of(), null,
        Sort.SEVERITY, false, 0, 50);
  }

  public FindingQuery cluster(String name) {
    return new FindingQuery(name, namespaces, controls, severities, statuses, frameworks, text,
        sort, descending, offset, limit);
  }

  public FindingQuery namespaces(String... values) {
    return namespaces(Arrays.asList(values));
  }

  public FindingQuery namespaces(Collection<String> values) {
    return new FindingQuery(cluster, Set.copyOf(values), controls, severities, statuses,
        frameworks, text, sort, descending, offset, limit);
  }

  public FindingQuery controls(String... values) {
    return new FindingQuery(cluster, namespaces, Set.copyOf(List.of(values)), severities,
        statuses, frameworks, text, sort, descending, offset, limit);
  }

  public FindingQuery severities(Severity... values) {
    return new FindingQuery(cluster, namespaces, controls, Set.copyOf(List.of(values)), statuses,
        frameworks, text, sort, descending, offset, limit);
  }

  public FindingQuery statuses(FindingStatus... values) {
    return new FindingQuery(cluster, namespaces, controls, severities,
        Set.copyOf(List.of(values)), frameworks, text, sort, descending, offset, limit);
  }

  public FindingQuery frameworks(String... values) {
    return new FindingQuery(cluster, namespaces, controls, severities, statuses,
        Set.copyOf(List.of(values)), text, sort, descending, offset, limit);
  }

  public FindingQuery text(String words) {
    return new FindingQuery(cluster, namespaces, controls, severities, statuses, frameworks,
        words, sort, descending, offset, limit);
  }

  public FindingQuery sort(Sort order, boolean reversed) {
    return new FindingQuery(cluster, namespaces, controls, severities, statuses, frameworks,
        text, order, reversed, offset, limit);
  }

  public FindingQuery page(int from, int size) {
    return new FindingQuery(cluster, namespaces, controls, severities, statuses, frameworks,
        text, sort, descending, from, size);
  }
}
