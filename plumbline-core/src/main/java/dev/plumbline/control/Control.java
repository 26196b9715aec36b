package dev.plumbline.control;

import dev.plumbline.resource.ResourceRef;
import java.nio.file.Path;
import dev.plumbline.resource.Workload;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A control: one risk, how to detect it (a CEL expression), how to fix it, and the framework
 * requirements it verifies. Controls are data, loaded from a folder with a {@code control.yaml}
 * and fixtures (see {@link Library}).
 */
public final class Control {
  /** Pod Security Standards membership: the level and the upstream check id. */
  public record Pss(String level, String check) {}

  /** A variant as written, for documentation. */
  public record Variant(PolicyVersion since, String expression, boolean listsViolations,
      String path) {}

  private final String id;
  private final List<String> aliases;
  private final int version;
  private final String title;
  private final String description;
  private final Severity severity;
  private final String category;
  private final Target target;
  private final Set<String> kinds;
  private final Pss pss;
  private final Guard when;
  private final List<Check> checks;
  private final Remediation remediation;
  private final List<String> references;
  private final Map<String, List<String>> frameworks;
  private final Set<String> inventoryKinds;
  private final List<String> overrides;
  private final java.util.function.Supplier<Path> folder;
  private final String source;

  Control(String id, List<String> aliases, int version, String title, String description,
      Severity severity, String category, Target target, Set<String> kinds, Pss pss, Guard when,
      List<Check> checks, Remediation remediation, List<String> references,
      Map<String, List<String>> frameworks, Set<String> inventoryKinds, List<String> overrides,
      java.util.function.Supplier<Path> folder, String source) {
    this.id = id;
    this.aliases = List.copyOf(aliases);
    this.version = version;
    this.title = title;
    this.description = description;
    this.severity = severity;
    this.category = category;
    this.target = target;
    this.kinds = Set.copyOf(kinds);
    this.pss = pss;
    this.when = when;
    this.checks = List.copyOf(checks);
    this.remediation = remediation;
    this.references = List.copyOf(references);
    this.frameworks = Map.copyOf(frameworks);
    this.inventoryKinds = Set.copyOf(inventoryKinds);
    this.overrides = List.copyOf(overrides);
    this.folder = folder;
    this.source = source;
  }

  public String id() {
    return id;
  }

  /** Former ids, still accepted in filters and exceptions. */
  public List<String> aliases() {
    return aliases;
  }

  /** The revision of this control's logic; it changes whenever its verdicts can change. */
  public int version() {
    return version;
  }

  public String title() {
    return title;
  }

  public String description() {
    return description;
  }

  /** The default severity (a configuration can override it). */
  public Severity severity() {
    return severity;
  }

  public String category() {
    return category;
  }

  public Target target() {
    return target;
  }

  /** The kinds the control applies to; empty for a workload target means every workload kind. */
  public Set<String> kinds() {
    return kinds;
  }

  /** Pod Security Standards membership, or null. */
  public Pss pss() {
    return pss;
  }

  /** The guard that decides which targets the control applies to, or null for all. */
  public Guard when() {
    return when;
  }

  public Remediation remediation() {
    return remediation;
  }

  public List<String> references() {
    return references;
  }

  /** Framework id to the requirement ids of that framework this control verifies. */
  public Map<String, List<String>> frameworks() {
    return frameworks;
  }

  /** The kinds this control looks up in the inventory. */
  public Set<String> inventoryKinds() {
    return inventoryKinds;
  }

  /**
   * The controls this one supersedes where both apply, as a Pod Security Standards restricted
   * check supersedes its baseline counterpart: a finding of an overridden control on a field
   * this control also reports is dropped as a duplicate, and in a framework holding both, the
   * overridden control does not count while this one exists at the policy version.
   */
  public List<String> overrides() {
    return overrides;
  }

  /** The folder the control was loaded from (it holds control.yaml and tests/). */
  public Path folder() {
    return folder.get();
  }

  /** Where the control's file is, for messages (its folder's name as the library shows it). */
  String source() {
    return source;
  }

  public List<Variant> variants() {
    return checks.stream().map(c -> new Variant(c.since, c.expression, c.listsViolations,
        c.path == null ? null : c.path.toString())).toList();
  }

  /** The first policy version at which the control applies. */
  public PolicyVersion since() {
    return checks.get(0).since;
  }

  /** Whether the control judges objects of this kind. */
  public boolean targets(ResourceRef ref) {
    if (target == Target.RESOURCE) {
      return kinds.contains(ref.kind());
    }
    return Workload.isWorkload(ref) && (kinds.isEmpty() || kinds.contains(ref.kind()));
  }

  /** Whether the control exists at a policy version. */
  public boolean availableAt(PolicyVersion version) {
    return since().compareTo(version) <= 0;
  }

  /**
   * Evaluates the control's logic for one target at a policy version.
   *
   * @return the violations, empty when the target complies or the control does not exist at that
   *     version
   * @throws EvaluationException when the expression fails on this input
   */
  public List<Violation> evaluate(EvalContext context, PolicyVersion version)
      throws EvaluationException {
    Check selected = null;
    for (Check c : checks) {
      if (c.since.compareTo(version) <= 0) {
        selected = c;
      }
    }
    if (selected == null) {
      return List.of();
    }
    return selected.evaluate(context);
  }

  @Override
  public String toString() {
    return id;
  }
}
