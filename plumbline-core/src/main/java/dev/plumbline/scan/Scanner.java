package dev.plumbline.scan;

import dev.plumbline.control.Control;
import dev.plumbline.control.EvalContext;
import dev.plumbline.control.EvaluationException;
import dev.plumbline.control.Guard;
import dev.plumbline.control.Inventory;
import dev.plumbline.control.Json;
import dev.plumbline.control.Violation;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.InputError;
import dev.plumbline.resource.ManifestReader;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.Resource;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.resource.Workload;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The engine: evaluates the selected controls against resources. Every front end (manifest scan,
 * live cluster, admission, monitoring) calls {@link #evaluate}, so a resource gets the same
 * verdict everywhere.
 */
public final class Scanner {
  /** The verdict on one resource. */
  public record Verdict(Resource resource, List<Finding> findings, List<Suppressed> suppressed,
      List<InputError> errors, List<Control> evaluated, Set<String> failedControls,
      Set<String> suppressedControls) {}

  private static final Comparator<Finding> ORDER = Comparator
      .comparing((Finding f) -> f.origin().file() == null ? "" : f.origin().file())
      .thenComparingInt(f -> f.origin().document())
      .thenComparing(Finding::resource)
      .thenComparing(Finding::controlId)
      .thenComparing(Finding::path);

  private final ScanOptions options;
  private final LocalDate today;
  /** The selected controls that judge a kind at the scan's policy version, by apiVersion/kind. */
  private final Map<String, List<Control>> byKind = new java.util.concurrent.ConcurrentHashMap<>();

  public Scanner(ScanOptions options) {
    this.options = options;
    this.today = LocalDate.ofInstant(options.clock().instant(), ZoneOffset.UTC);
  }

  public ScanOptions options() {
    return options;
  }

  /** Scans what a {@link ManifestReader} read, keeping its errors and notes. */
  public ScanResult scan(ManifestReader.Result input) {
    return scan(input.resources(), input.errors(), input.notes(), input.files());
  }

  /** Scans resources; the inventory holds all of them. */
  public ScanResult scan(List<Resource> resources, List<InputError> inputErrors,
      List<dev.plumbline.resource.InputNote> notes, int files) {
    return scan(resources, Inventory.of(resources), inputErrors, notes, files);
  }

  /**
   * Scans resources with an inventory the caller built of exactly them (and keeps, as the
   * monitor does), so that it is not built twice.
   */
  public ScanResult scan(List<Resource> resources, Inventory inventory,
      List<InputError> inputErrors, List<dev.plumbline.resource.InputNote> notes, int files) {
    Instant started = options.clock().instant();
    Set<String> controllers = Owners.controllersIn(resources);
    Map<String, Integer> throughController = new TreeMap<>();
    List<Verdict> verdicts = IntStream.range(0, resources.size()).parallel()
        .mapToObj(i -> {
          Resource r = resources.get(i);
          return inScope(r) && !Owners.ownedByOneOf(r, controllers) ? evaluate(r, inventory)
              : null;
        })
        .toList();
    for (int i = 0; i < resources.size(); i++) {
      Resource r = resources.get(i);
      if (verdicts.get(i) == null && inScope(r)) {
        throughController.merge(r.kind(), 1, Integer::sum);
      }
    }
    List<Finding> findings = new ArrayList<>();
    List<Suppressed> suppressed = new ArrayList<>();
    List<InputError> errors = new ArrayList<>(inputErrors);
    Map<String, int[]> stats = new LinkedHashMap<>();
    for (Control c : options.controls()) {
      stats.put(c.id(), new int[3]);
    }
    Map<String, Integer> notScanned = new TreeMap<>();
    List<Judged> judged = new ArrayList<>();
    for (Verdict v : verdicts) {
      if (v == null) {
        continue;
      }
      findings.addAll(v.findings());
      suppressed.addAll(v.suppressed());
      errors.addAll(v.errors());
      if (v.evaluated().isEmpty()) {
        notScanned.merge(v.resource().kind(), 1, Integer::sum);
        continue;
      }
      judged.add(new Judged(v.resource().ref(), v.resource().origin(), v.evaluated()));
      for (Control c : v.evaluated()) {
        int[] s = stats.get(c.id());
        s[0]++;
        if (v.failedControls().contains(c.id())) {
          s[1]++;
        } else if (v.suppressedControls().contains(c.id())) {
          s[2]++;
        }
      }
    }
    findings.sort(ORDER);
    suppressed.sort(Comparator.comparing(Suppressed::finding, ORDER));
    List<ControlResult> controlResults = new ArrayList<>();
    for (Control c : options.controls()) {
      int[] s = stats.get(c.id());
      controlResults.add(new ControlResult(c, options.severityOf(c), s[0], s[1], s[2]));
    }
    return new ScanResult(findings, suppressed, errors, notes, notScanned, throughController,
        controlResults,
        Scores.frameworks(options, controlResults), Scores.posture(controlResults),
        judged, files, options.pssVersion(), options.exceptions().expired(today), started);
  }

  /** Whether the namespace filter lets a resource be judged. */
  boolean inScope(Resource r) {
    if (options.namespaces().isEmpty()) {
      return true;
    }
    if (r.kind().equals("Namespace")) {
      return options.namespaces().contains(r.name());
    }
    String ns = r.namespace().isEmpty() && !ClusterScope.isClusterScoped(r.ref())
        ? "default" : r.namespace();
    return options.namespaces().contains(ns);
  }

  /** Evaluates every selected control that targets the resource. */
  public Verdict evaluate(Resource resource, Inventory inventory) {
    ResourceRef ref = resource.ref();
    List<Finding> findings = new ArrayList<>();
    List<Suppressed> suppressed = new ArrayList<>();
    List<InputError> errors = new ArrayList<>();
    List<Control> evaluated = new ArrayList<>();
    Set<String> failed = new HashSet<>();
    Set<String> suppressedControls = new HashSet<>();
    // Expressions see the object as the API server does, without null fields; lines, origin and
    // identity still come from the resource as read.
    Resource subject = subjectOf(resource);
    Object labels = metadataLabels(resource);
    // One context per target, shared by every control; guard results are cached per target.
    Targets targets = new Targets(subject, inventory);
    boolean mirror = isMirrorPod(resource);
    for (Control control : controlsFor(ref)) {
      List<Violation> violations = new ArrayList<>();
      Set<FieldPath> withheld = new HashSet<>();
      boolean judged = false;
      try {
        for (Targets.Target t : targets.of(control.target())) {
          if (control.when() != null && !control.when().test(t.context(), t.guards())) {
            continue;
          }
          judged = true;
          List<Violation> found = control.evaluate(t.context(), options.pssVersion());
          if (!found.isEmpty() && control.remediation().hasPatch()) {
            if (mirror || skipsPatch(control, t, resource, errors)) {
              found.forEach(v -> withheld.add(v.targetPath()));
            } else {
              for (Violation v : found) {
                if (!control.remediation().fits(subject.object(), v.targetPath())) {
                  withheld.add(v.targetPath());
                }
              }
            }
          }
          violations.addAll(found);
        }
      } catch (EvaluationException e) {
        // Neither a pass nor a failure: the judgement did not happen, and the error says why.
        Origin o = resource.origin();
        String where = o.isFile() ? o.file() : ref.display();
        errors.add(new InputError(where, o.line(), ref.display() + ": control " + control.id()
            + " could not be evaluated (is the object valid?): " + e.getMessage()));
        continue;
      }
      if (!judged) {
        continue; // the control does not apply to anything in this resource
      }
      evaluated.add(control);
      if (violations.isEmpty()) {
        continue;
      }
      PolicyException exception = options.exceptions().match(control.id(), control.aliases(),
          ref, labels instanceof Map<?, ?> m ? m : null, today);
      Set<String> seen = new HashSet<>();
      for (Violation v : violations) {
        if (!seen.add(v.path().toString())) {
          continue; // the same field reported twice by one control is one finding
        }
        Finding f = new Finding(Finding.idOf(control.id(), ref, v.path()), control,
            options.severityOf(control), ref, v.path(), v.value(), v.message(),
            resource.origin(), resource.lineOf(v.path()), v.targetPath(), List.of(),
            withheld.contains(v.targetPath()));
        if (exception != null) {
          suppressed.add(new Suppressed(f, exception));
        } else {
          findings.add(f);
        }
      }
      if (exception != null) {
        suppressedControls.add(control.id());
      } else {
        failed.add(control.id());
      }
    }
    dropOverridden(findings, suppressed, evaluated);
    findings.sort(ORDER);
    return new Verdict(resource, findings, suppressed, errors, evaluated, failed,
        suppressedControls);
  }

  private List<Control> controlsFor(ResourceRef ref) {
    return byKind.computeIfAbsent(ref.apiVersion() + "/" + ref.kind(), k -> options.controls()
        .stream()
        .filter(c -> c.targets(ref) && c.availableAt(options.pssVersion()))
        .toList());
  }

  /**
   * Whether a resource is a mirror pod: the API server's copy of a static pod, which the kubelet
   * made from a manifest file on its node (annotation {@code kubernetes.io/config.mirror}).
   * Patching it changes nothing that runs (the kubelet runs the file, and the API server refuses
   * changes to a pod's spec), and a mutated copy would show a fix that is not there: patches are
   * withheld from every mirror pod, and the file on the node is fixed instead.
   */
  public static boolean isMirrorPod(Resource resource) {
    return resource.kind().equals("Pod")
        && resource.object().get("metadata") instanceof Map<?, ?> metadata
        && metadata.get("annotations") instanceof Map<?, ?> annotations
        && annotations.containsKey("kubernetes.io/config.mirror");
  }

  /**
   * Whether the control's {@code remediation.skipWhen} holds for a target with findings: its
   * patch would not fit there. An expression that fails withholds the patch too (a patch is only
   * offered where it is known to fit), with an error saying why.
   */
  private static boolean skipsPatch(Control control, Targets.Target t, Resource resource,
      List<InputError> errors) {
    Guard skipWhen = control.remediation().skipWhen();
    if (skipWhen == null) {
      return false;
    }
    try {
      return skipWhen.test(t.context(), t.guards());
    } catch (EvaluationException e) {
      Origin o = resource.origin();
      String where = o.isFile() ? o.file() : resource.ref().display();
      String why = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
      errors.add(new InputError(where, o.line(), resource.ref().display() + ": control "
          + control.id() + ": remediation.skipWhen could not be evaluated, so the patch is "
          + "withheld: " + why));
      return true;
    }
  }

  /**
   * Merges findings that report, on the same field, the same problem as a finding of a control
   * that overrides theirs (a restricted check superseding its baseline counterpart): the
   * overriding control's finding remains and lists the others in {@link Finding#also()}. The
   * overridden controls still count as failed for scoring.
   */
  private static void dropOverridden(List<Finding> findings, List<Suppressed> suppressed,
      List<Control> evaluated) {
    if (evaluated.stream().allMatch(c -> c.overrides().isEmpty())) {
      return;
    }
    Map<String, Control> byId = new HashMap<>();
    evaluated.forEach(c -> byId.put(c.id(), c));
    Map<FieldPath, List<Finding>> byPath = new LinkedHashMap<>();
    findings.forEach(f -> byPath.computeIfAbsent(f.path(), k -> new ArrayList<>()).add(f));
    suppressed.forEach(x -> byPath.computeIfAbsent(x.finding().path(), k -> new ArrayList<>())
        .add(x.finding()));
    Map<Finding, Finding> replaced = new IdentityHashMap<>();
    for (List<Finding> group : byPath.values()) {
      if (group.size() < 2) {
        continue;
      }
      List<Finding> kept = new ArrayList<>();
      List<Finding> dropped = new ArrayList<>();
      for (Finding f : group) {
        boolean overridden = group.stream().anyMatch(g -> g != f
            && overrides(byId, g.controlId(), f.controlId(), new HashSet<>()));
        (overridden ? dropped : kept).add(f);
      }
      for (Finding k : kept) {
        Set<String> also = new java.util.TreeSet<>(k.also());
        for (Finding d : dropped) {
          if (overrides(byId, k.controlId(), d.controlId(), new HashSet<>())) {
            also.add(d.controlId());
            also.addAll(d.also());
          }
        }
        if (also.size() != k.also().size()) {
          replaced.put(k, k.withAlso(List.copyOf(also)));
        }
      }
      dropped.forEach(d -> replaced.put(d, null));
    }
    List<Finding> open = new ArrayList<>();
    for (Finding f : findings) {
      Finding r = replaced.containsKey(f) ? replaced.get(f) : f;
      if (r != null) {
        open.add(r);
      }
    }
    List<Suppressed> quiet = new ArrayList<>();
    for (Suppressed x : suppressed) {
      Finding r = replaced.containsKey(x.finding()) ? replaced.get(x.finding()) : x.finding();
      if (r != null) {
        quiet.add(new Suppressed(r, x.exception()));
      }
    }
    findings.clear();
    findings.addAll(open);
    suppressed.clear();
    suppressed.addAll(quiet);
  }

  /** Whether control {@code a} overrides {@code b}, directly or through others. */
  private static boolean overrides(Map<String, Control> byId, String a, String b,
      Set<String> seen) {
    Control c = byId.get(a);
    if (c == null || !seen.add(a)) {
      return false;
    }
    for (String o : c.overrides()) {
      if (o.equals(b) || overrides(byId, o, b, seen)) {
        return true;
      }
    }
    return false;
  }

  /** The evaluation contexts of one resource, made on first use. */
  private static final class Targets {
    record Target(EvalContext context, Map<String, Boolean> guards) {}

    private final Resource subject;
    private final Inventory inventory;
    private List<Target> resource;
    private List<Target> pod;
    private List<Target> containers;
    private Workload workload;

    Targets(Resource subject, Inventory inventory) {
      this.subject = subject;
      this.inventory = inventory;
    }

    List<Target> of(dev.plumbline.control.Target kind) {
      switch (kind) {
        case RESOURCE -> {
          if (resource == null) {
            resource = List.of(new Target(EvalContext.forResource(subject, inventory),
                new HashMap<>()));
          }
          return resource;
        }
        case POD -> {
          if (pod == null) {
            pod = List.of(new Target(EvalContext.forPod(subject, workload(), inventory),
                new HashMap<>()));
          }
          return pod;
        }
        default -> {
          if (containers == null) {
            containers = new ArrayList<>();
            for (Workload.Container c : workload().containers()) {
              containers.add(new Target(EvalContext.forContainer(subject, workload(), c,
                  inventory), new HashMap<>()));
            }
          }
          return containers;
        }
      }
    }

    private Workload workload() {
      if (workload == null) {
        workload = Workload.of(subject);
      }
      return workload;
    }
  }

  /** The resource with its null fields left out (itself when it has none), for expressions. */
  private static Resource subjectOf(Resource resource) {
    Object clean = Json.withoutNullFields(resource.object());
    if (clean == resource.object()) {
      return resource;
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> object = (Map<String, Object>) clean;
    return Resource.of(object, resource.origin());
  }

  private static Object metadataLabels(Resource r) {
    Object metadata = r.object().get("metadata");
    return metadata instanceof Map<?, ?> m ? m.get("labels") : null;
  }
}
