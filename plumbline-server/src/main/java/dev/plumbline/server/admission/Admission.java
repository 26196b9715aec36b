package dev.plumbline.server.admission;

import dev.plumbline.control.Control;
import dev.plumbline.control.Framework;
import dev.plumbline.control.Inventory;
import dev.plumbline.control.Library;
import dev.plumbline.exceptions.ExceptionSet;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.Resource;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.Scanner;
import dev.plumbline.server.admission.AdmissionSettings.Action;
import dev.plumbline.server.admission.AdmissionSettings.FailurePolicy;
import dev.plumbline.store.AdmissionEvent;
import dev.plumbline.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admission control: answers {@code admission.k8s.io/v1} AdmissionReviews with the verdict of
 * the same engine, controls, configuration and exceptions (configured and stored) as a scan.
 * See docs/admission.md for what it decides and why.
 *
 * <ul>
 *   <li>Validation ({@link #validate}): each failing control's action (off, audit, warn,
 *       enforce; by control, framework and namespace) decides; enforce denies with a message
 *       naming the control, the field and the fix, warn adds a warning kubectl prints, and every
 *       failing control is recorded as an admission event unless the request is a dry run.
 *   <li>Mutation ({@link #mutate}): the patches of controls configured with
 *       {@code remediate: auto} are returned as a JSON Patch, each recorded.
 *   <li>Pod controllers are judged through their pod template; DELETE and CONNECT are allowed;
 *       exempt namespaces are not judged.
 *   <li>Controls that judge an object by others (the inventory) are judged with the monitor's
 *       current inventory when there is one, and only warn (the inventory may lag behind the
 *       request, so it never denies); with no inventory they are not judged at admission.
 *   <li>A review that cannot be decided within the timeout (or at all) follows the failure
 *       policy; a request that is not an AdmissionReview is answered 400 with the reason.
 * </ul>
 *
 * <p>Thread-safe. {@link #close()} stops its threads and writes the events still queued.
 */
public final class Admission implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Admission.class.getName());
  private static final int MAX_WARNINGS = 20;
  private static final int MAX_WARNING_LENGTH = 400;
  private static final Duration EXCEPTION_REFRESH = Duration.ofSeconds(10);

  private final AdmissionSettings settings;
  private final ScanOptions options;
  private final Store store;
  private final String cluster;
  private final Supplier<Inventory> inventory;
  private final Clock clock;
  private final Policy policy;
  private final Set<String> exempt;
  private final Set<String> inventoryControls = new HashSet<>();
  private final Set<String> judgedKinds = new HashSet<>();
  private final Set<String> mutatedKinds = new HashSet<>();
  private final ObjectMapper json = JsonMapper.builder().build();
  private final ThreadPoolExecutor evaluator;
  private final ScheduledExecutorService refresher;
  private final EventRecorder recorder;
  private final MeterRegistry metrics;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Timer latency;
  private final List<Control> judgedControls;
  private final List<Control> mutatingControls;
  private volatile Engines engines;
  /** Test hook: runs in the evaluating thread before each evaluation. */
  volatile Runnable beforeEvaluation = () -> {};

  /** The scanners of the current exceptions: all judged controls, and those that mutate. */
  private record Engines(List<PolicyException> stored, Scanner validate, Scanner mutate) {}

  /** An HTTP answer: the status and the JSON body. */
  public record Answer(int status, byte[] body) {}

  private Admission(AdmissionSettings settings, Library library, ScanOptions options,
      Store store, String cluster, Supplier<Inventory> inventory, MeterRegistry metrics,
      Clock clock) {
    this.settings = settings;
    this.store = store;
    this.cluster = cluster;
    this.inventory = inventory;
    this.clock = clock;
    this.metrics = metrics;
    this.exempt = Set.copyOf(settings.exemptNamespaces());
    Map<String, Set<String>> frameworksOf = new HashMap<>();
    for (Framework f : library.frameworks()) {
      for (String id : library.frameworkControls(f, options.pssVersion())) {
        frameworksOf.computeIfAbsent(id, k -> new TreeSet<>()).add(f.id());
      }
    }
    Set<String> remediate = check(settings, library, options);
    this.policy = new Policy(settings, frameworksOf);
    List<Control> judged = new ArrayList<>();
    for (Control c : options.controls()) {
      if (!c.inventoryKinds().isEmpty()) {
        if (inventory == null) {
          continue; // judging it without the other objects would guess: not at admission
        }
        inventoryControls.add(c.id());
      }
      if (policy.everOn(c)) {
        judged.add(c);
      }
    }
    this.options = options.withNamespaces(Set.of());
    List<Control> mutating = judged.stream().filter(c -> remediate.contains(c.id())).toList();
    for (Control c : judged) {
      (remediate.contains(c.id()) ? List.of(judgedKinds, mutatedKinds)
          : List.of(judgedKinds)).forEach(set -> set.addAll(kinds(c)));
    }
    this.judgedControls = judged;
    this.mutatingControls = mutating;
    this.engines = engines(List.of());
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors() * 2);
    AtomicInteger n = new AtomicInteger();
    this.evaluator = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(1024), r -> {
          Thread t = new Thread(r, "plumbline-admission-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "plumbline-admission-exceptions");
      t.setDaemon(true);
      return t;
    });
    this.recorder = store == null ? null : new EventRecorder(store, metrics);
    this.latency = Timer.builder("plumbline.admission.review.duration")
        .description("Time to answer an admission review, in the server")
        .publishPercentileHistogram()
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(100))
        .minimumExpectedValue(Duration.ofMillis(1).dividedBy(10))
        .maximumExpectedValue(Duration.ofSeconds(10))
        .register(metrics);
    if (store != null) {
      refreshExceptions();
      long every = EXCEPTION_REFRESH.toMillis();
      refresher.scheduleWithFixedDelay(this::refreshExceptions, every, every,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Admission control over the given controls.
   *
   * @param settings the actions, exemptions, timeout and failure policy
   * @param library the library the controls come from (for framework membership)
   * @param options the controls, policy version, severities and configured exceptions, as for a
   *     scan
   * @param store where events are recorded and stored exceptions are read; null for neither
   * @param cluster the cluster the stored exceptions and the events belong to
   * @param inventory the monitor's current inventory; null when no cluster is watched
   * @param metrics where the review counters and latency histogram go
   * @param clock the time of events and of exception expiry
   * @throws IllegalArgumentException naming the setting that names an unknown control or
   *     framework, or a control without a patch in {@code remediate}
   */
  public static Admission create(AdmissionSettings settings, Library library,
      ScanOptions options, Store store, String cluster, Supplier<Inventory> inventory,
      MeterRegistry metrics, Clock clock) {
    return new Admission(settings, library, options.withClock(clock), store, cluster, inventory,
        metrics, clock);
  }

  /** Checks the ids the settings name; returns the ids of the controls to remediate. */
  private static Set<String> check(AdmissionSettings settings, Library library,
      ScanOptions options) {
    Set<String> known = new HashSet<>();
    options.controls().forEach(c -> {
      known.add(c.id());
      known.addAll(c.aliases());
    });
    Set<String> frameworks = new HashSet<>();
    library.frameworks().forEach(f -> frameworks.add(f.id()));
    checkIds("admission.controls", settings.controls().keySet(), known, "control");
    checkIds("admission.frameworks", settings.frameworks().keySet(), frameworks, "framework");
    for (int i = 0; i < settings.namespaces().size(); i++) {
      AdmissionSettings.NamespaceRule rule = settings.namespaces().get(i);
      checkIds("admission.namespaces[" + i + "].controls", rule.controls().keySet(), known,
          "control");
      checkIds("admission.namespaces[" + i + "].frameworks", rule.frameworks().keySet(),
          frameworks, "framework");
    }
    Set<String> remediate = new HashSet<>();
    for (String id : settings.remediate()) {
      Control c = options.controls().stream()
          .filter(x -> x.id().equals(id) || x.aliases().contains(id)).findFirst().orElse(null);
      if (c == null) {
        throw new IllegalArgumentException("admission.controls." + id
            + ".remediate: not a control that is evaluated");
      }
      if (!c.remediation().hasPatch()) {
        throw new IllegalArgumentException("admission.controls." + id
            + ".remediate: the control has no patch to apply (see plumbline controls explain "
            + id + ")");
      }
      remediate.add(c.id());
    }
    return remediate;
  }

  private static void checkIds(String key, Set<String> ids, Set<String> known, String what) {
    for (String id : ids) {
      if (!known.contains(id)) {
        throw new IllegalArgumentException(key + "." + id + ": unknown " + what
            + " (or not evaluated by this configuration)");
      }
    }
  }

  static Set<String> kinds(Control c) {
    if (c.target() == dev.plumbline.control.Target.RESOURCE || !c.kinds().isEmpty()) {
      return c.kinds().isEmpty() ? dev.plumbline.resource.Workload.kinds() : c.kinds();
    }
    return dev.plumbline.resource.Workload.kinds();
  }

  /** The kinds some judged control targets (what the webhook configuration sends). */
  public Set<String> judgedKinds() {
    return Set.copyOf(judgedKinds);
  }

  /** The kinds some mutating control targets. */
  public Set<String> mutatedKinds() {
    return Set.copyOf(mutatedKinds);
  }

  public AdmissionSettings settings() {
    return settings;
  }

  private Engines engines(List<PolicyException> stored) {
    List<PolicyException> all = new ArrayList<>(options.exceptions().all());
    all.addAll(stored);
    ScanOptions withExceptions = options.withExceptions(new ExceptionSet(all));
    ScanOptions base = new ScanOptions(judgedControls, options.frameworks(),
        options.pssVersion(), Set.of(), withExceptions.exceptions(), options.severities(),
        options.clock());
    ScanOptions mutate = new ScanOptions(mutatingControls, options.frameworks(),
        options.pssVersion(), Set.of(), withExceptions.exceptions(), options.severities(),
        options.clock());
    return new Engines(List.copyOf(stored), new Scanner(base), new Scanner(mutate));
  }

  private void refreshExceptions() {
    try {
      List<PolicyException> stored = store.exceptionSet(cluster).all();
      if (!stored.equals(engines.stored())) {
        engines = engines(stored);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "admission: cannot read the stored exceptions, "
          + "keeping the last ones read: " + e.getMessage());
    }
  }

  /** Answers a validating review. */
  public Answer validate(byte[] body) {
    return review(body, false);
  }

  /** Answers a mutating review. */
  public Answer mutate(byte[] body) {
    return review(body, true);
  }

  /** The answer to a body larger than the limit (HTTP 400). */
  public Answer tooLarge() {
    count("validate", "invalid");
    return invalid("the AdmissionReview is larger than admission.maxBodyBytes ("
        + settings.maxBodyBytes() + " bytes)");
  }

  private Answer review(byte[] body, boolean mutating) {
    long started = System.nanoTime();
    String webhook = mutating ? "mutate" : "validate";
    ReviewRequest request;
    try {
      request = ReviewRequest.parse(body);
    } catch (ReviewRequest.Invalid e) {
      count(webhook, "invalid");
      return invalid(e.getMessage());
    }
    Decision decision;
    if (!request.operation().equals("CREATE") && !request.operation().equals("UPDATE")) {
      decision = Decision.allow("allowed");
    } else if (exempt.contains(namespaceOf(request))) {
      decision = Decision.allow("exempt");
    } else if (!(mutating ? mutatedKinds : judgedKinds).contains(
        String.valueOf(request.object().get("kind")))) {
      decision = Decision.allow("allowed");
    } else {
      decision = decideInTime(request, mutating, started);
    }
    byte[] answer = json.writeValueAsBytes(response(request.uid(), decision));
    if (!request.dryRun() && recorder != null && !decision.events().isEmpty()) {
      recorder.add(decision.events());
    }
    latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    count(webhook, decision.label());
    return new Answer(200, answer);
  }

  private Decision decideInTime(ReviewRequest request, boolean mutating, long started) {
    Engines current = engines;
    Future<Decision> future;
    try {
      future = evaluator.submit(() -> {
        beforeEvaluation.run();
        return mutating ? mutation(request, current) : validation(request, current);
      });
    } catch (RejectedExecutionException e) {
      return failure(request, "the server is overloaded");
    }
    long left = settings.timeout().toNanos() - (System.nanoTime() - started);
    try {
      return future.get(Math.max(0, left), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      return failure(request, "the review was not decided within admission.timeout ("
          + settings.timeout().toMillis() + " ms)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      return failure(request, "the server is stopping");
    } catch (ExecutionException e) {
      LOG.log(System.Logger.Level.ERROR, "admission review " + request.uid() + " failed",
          e.getCause());
      return failure(request, "the review failed: " + e.getCause().getClass().getSimpleName());
    }
  }

  private Decision failure(ReviewRequest request, String why) {
    if (settings.failurePolicy() == FailurePolicy.OPEN) {
      return new Decision(true, null, List.of("Plumbline: " + why
          + "; allowed unchecked (admission.failurePolicy: open)"), List.of(), null,
          "failed_open");
    }
    return new Decision(false, "Plumbline could not decide this request: " + why
        + "; denied (admission.failurePolicy: closed). Try again.", List.of(), List.of(), null,
        "failed_closed");
  }

  /** What a review decided. */
  private record Decision(boolean allowed, String message, List<String> warnings,
      List<AdmissionEvent> events, List<Map<String, Object>> patch, String label) {
    static Decision allow(String label) {
      return new Decision(true, null, List.of(), List.of(), null, label);
    }
  }

  private static String namespaceOf(ReviewRequest request) {
    if (!request.namespace().isEmpty()) {
      return request.namespace();
    }
    return request.object() != null && request.object().get("metadata") instanceof Map<?, ?> m
        && m.get("namespace") instanceof String s ? s : "";
  }

  /** The object as the engine judges it: in the request's namespace, named as requested. */
  private static Resource resourceOf(ReviewRequest request) {
    Map<String, Object> object = request.object();
    if (!request.namespace().isEmpty()) {
      Object metadata = object.get("metadata");
      if (!(metadata instanceof Map<?, ?> m) || !request.namespace().equals(m.get("namespace"))) {
        object = new LinkedHashMap<>(object);
        Map<String, Object> md = metadata instanceof Map<?, ?> m2 ? copy(m2)
            : new LinkedHashMap<>();
        md.put("namespace", request.namespace());
        object.put("metadata", md);
      }
    }
    String kind = String.valueOf(object.get("kind"));
    if (kind.equals("Secret")) {
      // Secret values are never read: a webhook rule that sends Secrets gets metadata only.
      object = new LinkedHashMap<>(object);
      object.remove("data");
      object.remove("stringData");
    }
    String rv = object.get("metadata") instanceof Map<?, ?> m
        && m.get("resourceVersion") instanceof String s ? s : null;
    return Resource.of(object, Origin.live(rv));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<?, ?> m) {
    return new LinkedHashMap<>((Map<String, Object>) m);
  }

  private Inventory currentInventory() {
    if (inventory == null) {
      return Inventory.EMPTY;
    }
    Inventory i = inventory.get();
    return i == null ? Inventory.EMPTY : i;
  }

  private Decision validation(ReviewRequest request, Engines current) {
    Resource resource = resourceOf(request);
    String ns = namespaceOf(request);
    Scanner.Verdict verdict = current.validate().evaluate(resource, currentInventory());
    List<String> denied = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<AdmissionEvent> events = new ArrayList<>();
    // Findings of one control on several fields: one line per field, one event per control.
    Map<String, List<Finding>> byControl = new LinkedHashMap<>();
    for (Finding f : verdict.findings()) {
      byControl.computeIfAbsent(f.control().id(), k -> new ArrayList<>()).add(f);
    }
    Map<Finding, Action> actions = new LinkedHashMap<>();
    for (List<Finding> list : byControl.values()) {
      Control control = list.get(0).control();
      Action action = policy.action(control, ns);
      if (action == Action.ENFORCE && inventoryControls.contains(control.id())) {
        action = Action.WARN; // judged by other objects that may lag: never denies
      }
      for (Finding f : list) {
        actions.put(f, action);
        switch (action) {
          case ENFORCE -> denied.add(f.control().id() + " at " + f.path() + ": "
              + oneLine(f.message()) + " Fix: " + firstSentence(control.remediation().text()));
          case WARN -> warnings.add(warning(f));
          default -> { }
        }
      }
    }
    boolean allowed = denied.isEmpty();
    boolean owned = resource.controller() != null;
    Instant at = clock.instant();
    for (List<Finding> list : byControl.values()) {
      Action action = actions.get(list.get(0));
      if (action == Action.OFF || owned && allowed) {
        // a controller's pod repeats what its controller's review recorded
        continue;
      }
      Finding f = list.get(0);
      events.add(new AdmissionEvent(0, at, cluster, request.uid(), request.operation(),
          resource.ref(), request.user(), action.name(), allowed, f.control().id(),
          f.path().toString(), oneLine(f.message())));
    }
    String message = null;
    if (!allowed) {
      StringBuilder sb = new StringBuilder("Plumbline denied " + resource.kind() + " \""
          + resource.name() + "\": " + denied.size() + " enforced control finding"
          + (denied.size() == 1 ? "" : "s") + ":");
      for (String d : denied) {
        sb.append("\n- ").append(d);
      }
      message = sb.toString();
    }
    List<String> shown = warnings.size() <= MAX_WARNINGS ? warnings
        : new ArrayList<>(warnings.subList(0, MAX_WARNINGS - 1));
    if (shown != warnings) {
      shown.add("Plumbline: " + (warnings.size() - shown.size()) + " more warnings");
    }
    String label = !allowed ? "denied" : !warnings.isEmpty() ? "warned"
        : events.isEmpty() ? "allowed" : "audited";
    return new Decision(allowed, message, shown, events, null, label);
  }

  private static String warning(Finding f) {
    String w = "Plumbline " + f.control().id() + " (" + f.path() + "): " + oneLine(f.message());
    return w.length() <= MAX_WARNING_LENGTH ? w : w.substring(0, MAX_WARNING_LENGTH - 1) + "…";
  }

  private Decision mutation(ReviewRequest request, Engines current) {
    Resource resource = resourceOf(request);
    if (request.operation().equals("UPDATE") && resource.kind().equals("Pod")) {
      // A pod's spec cannot change once it exists: a patch would make the update fail.
      return Decision.allow("allowed");
    }
    String ns = namespaceOf(request);
    Scanner.Verdict verdict = current.mutate().evaluate(resource, currentInventory());
    @SuppressWarnings("unchecked")
    Map<String, Object> work = (Map<String, Object>) dev.plumbline.control.Json.deepCopy(
        resource.object());
    List<Map<String, Object>> patch = new ArrayList<>();
    List<AdmissionEvent> events = new ArrayList<>();
    Set<String> done = new HashSet<>();
    Instant at = clock.instant();
    for (Finding f : verdict.findings()) {
      Control control = f.control();
      if (policy.action(control, ns) == Action.OFF || !f.patchable()
          || !done.add(control.id() + "\u0000" + f.targetPath())) {
        continue; // a withheld patch leaves the finding to the validating webhook
      }
      List<Map<String, Object>> ops;
      try {
        ops = control.remediation().absolute(work, f.targetPath());
        control.remediation().applyInPlace(work, List.of(f.targetPath()));
      } catch (IllegalArgumentException e) {
        continue; // the object's shape does not take the patch: leave it to validation
      }
      if (ops.isEmpty()) {
        continue;
      }
      patch.addAll(ops);
      List<String> paths = ops.stream().map(o -> (String) o.get("path")).toList();
      events.add(new AdmissionEvent(0, at, cluster, request.uid(), request.operation(),
          resource.ref(), request.user(), "MUTATE", true, control.id(),
          f.path().toString(), "patched " + String.join(", ", paths)));
    }
    if (patch.isEmpty()) {
      return Decision.allow("allowed");
    }
    List<String> warnings = events.stream().map(e -> "Plumbline changed " + resource.kind()
        + " \"" + resource.name() + "\" for " + e.controlId() + ": " + e.message()).toList();
    return new Decision(true, null, warnings.size() > MAX_WARNINGS
        ? warnings.subList(0, MAX_WARNINGS) : warnings, events, patch, "patched");
  }

  private Map<String, Object> response(String uid, Decision d) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("uid", uid);
    response.put("allowed", d.allowed());
    if (!d.allowed()) {
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("code", 403);
      status.put("reason", "Forbidden");
      status.put("message", d.message());
      response.put("status", status);
    }
    if (!d.warnings().isEmpty()) {
      response.put("warnings", d.warnings());
    }
    if (d.patch() != null) {
      response.put("patchType", "JSONPatch");
      response.put("patch", Base64.getEncoder().encodeToString(json.writeValueAsBytes(
          d.patch())));
    }
    Map<String, Object> review = new LinkedHashMap<>();
    review.put("apiVersion", ReviewRequest.API_VERSION);
    review.put("kind", "AdmissionReview");
    review.put("response", response);
    return review;
  }

  private Answer invalid(String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", 400);
    body.put("error", reason);
    return new Answer(400, json.writeValueAsBytes(body));
  }

  private void count(String webhook, String decision) {
    counters.computeIfAbsent(webhook + "\u0000" + decision, k -> Counter
        .builder("plumbline.admission.reviews")
        .description("Admission reviews answered, by webhook and decision")
        .tag("webhook", webhook)
        .tag("decision", decision)
        .register(metrics)).increment();
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s+", " ");
  }

  /** The first sentence of a remediation text, for a one-line fix. */
  static String firstSentence(String text) {
    String t = oneLine(text == null ? "" : text.strip().split("\\R\\s*\\R", 2)[0]);
    for (int i = 1; i < t.length() - 1; i++) {
      char c = t.charAt(i);
      if ((c == '.' || c == '!' || c == '?') && t.charAt(i + 1) == ' '
          && Character.isUpperCase(t.charAt(Math.min(i + 2, t.length() - 1)))
          && !t.substring(Math.max(0, i - 4), i + 1).matches(".*\\b(e\\.g|i\\.e)\\.")) {
        return t.substring(0, i + 1);
      }
    }
    return t.endsWith(":") ? t.substring(0, t.length() - 1) + "." : t;
  }

  /** Stops the threads; events still queued are written first. */
  @Override
  public void close() {
    refresher.shutdownNow();
    evaluator.shutdownNow();
    if (recorder != null) {
      recorder.close();
    }
  }

  /** Test hook: writes the queued events now. */
  void flushEvents() {
    if (recorder != null) {
      recorder.flush();
    }
  }
}
