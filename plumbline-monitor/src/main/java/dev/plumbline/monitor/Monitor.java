package dev.plumbline.monitor;

import dev.plumbline.control.Inventory;
import dev.plumbline.kube.ClusterException;
import dev.plumbline.kube.ClusterReader;
import dev.plumbline.kube.ClusterWatcher;
import dev.plumbline.resource.InputError;
import dev.plumbline.resource.Resource;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.ClusterScope;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.ScanResult;
import dev.plumbline.scan.Scanner;
import dev.plumbline.scan.Suppressed;
import dev.plumbline.store.Posture;
import dev.plumbline.store.ReconcileResult;
import dev.plumbline.store.Scope;
import dev.plumbline.store.Store;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Continuous monitoring of one cluster: a full scan, then the cluster's watch events, judged by
 * the same engine as every scan and reconciled into the {@link Store} with their alerts.
 *
 * <p>All evaluation runs on one worker thread, one step at a time: the debounced batches of watch
 * events, the periodic full resync and the posture snapshots. The watch's threads only record
 * events. See docs/monitoring.md.
 */
public final class Monitor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(Monitor.class.getName());
  /** How long the watch's initial lists may take. */
  private static final Duration WATCH_START = Duration.ofMinutes(2);
  /** How soon a batch the store could not take is tried again. */
  private static final Duration RETRY = Duration.ofSeconds(5);

  private final MonitorSettings settings;
  private final KubernetesClient client;
  private final Store store;
  private final ScanOptions options;
  private final MeterRegistry metrics;
  private final Clock clock;
  private final Set<String> kinds;
  private final AlertRule rule;
  private final Timer evaluationTimer;
  private final Timer scanTimer;
  private final Timer lagTimer;
  private final Map<String, Counter> eventCounters = new ConcurrentHashMap<>();

  private final ScheduledExecutorService worker;
  private final Dependents known = new Dependents();
  /**
   * What controls see of the other objects, kept up to date by each batch rather than built again
   * from every known object (which, on a large cluster, cost more than judging the batch); null
   * before the first scan. Read by admission control's threads ({@link #inventory()}).
   */
  private volatile Inventory inventory;
  /** Events not evaluated yet, by object; the latest event of an object wins. */
  private final Map<String, Event> pending = new LinkedHashMap<>();
  /** Refs of a batch the store did not take, judged again with the next batch. */
  private final Set<ResourceRef> retry = new LinkedHashSet<>();
  private long sequence;
  /** Kinds the last full read could not read: their stored findings are left alone. */
  private Set<String> unread = Set.of();
  /** The stored exceptions the last evaluation of everything used. */
  private List<dev.plumbline.exceptions.PolicyException> exceptionsUsed = List.of();
  /** How often the stored exceptions are checked for changes. */
  Duration exceptionCheck = Duration.ofSeconds(30);
  private ScheduledFuture<?> flush;
  private ClusterWatcher watcher;
  private Dispatcher dispatcher;
  private volatile boolean ready;
  /** Whether events are evaluated as they come (after the first scan). */
  private volatile boolean watching;
  private volatile boolean closed;

  private record Event(String type, Resource resource, long sequence, long receivedNanos) {}

  public Monitor(MonitorSettings settings, KubernetesClient client, Store store,
      ScanOptions options, MeterRegistry metrics, Clock clock) {
    this.settings = settings;
    this.client = client;
    this.store = store;
    this.clock = clock;
    this.metrics = metrics;
    ScanOptions o = options.withClock(clock);
    if (!settings.namespaces().isEmpty()) {
      o = o.withNamespaces(settings.namespaces());
    }
    this.options = o;
    this.kinds = ClusterReader.kindsFor(o.controls());
    this.rule = new AlertRule(settings.alertAt(), settings.alertOnResolve(),
        settings.sinks().stream().map(SinkSettings::name).toList());
    this.evaluationTimer = Timer.builder("plumbline.evaluation")
        .description("Re-evaluation of one object after a change").register(metrics);
    this.scanTimer = Timer.builder("plumbline.scan")
        .description("A full scan: read, evaluate, reconcile").register(metrics);
    this.lagTimer = Timer.builder("plumbline.watch.lag")
        .description("From a watch event's arrival to its findings being stored")
        .register(metrics);
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "plumbline-monitor-" + settings.cluster());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Every object the monitor knows, as of its last evaluation: what admission control judges
   * cross-object controls with. Empty before the first scan; it lags the cluster by the time
   * changes take to be evaluated.
   */
  public Inventory inventory() {
    Inventory current = inventory;
    return current == null ? Inventory.EMPTY : current;
  }

  /**
   * Starts watching, runs and stores the first full scan, and starts the alert dispatcher;
   * returns once the scan is stored and the watches run. A monitor starts once.
   *
   * @throws ClusterException when the cluster cannot be read or watched
   */
  public void start() throws ClusterException {
    if (closed || watcher != null) {
      throw new IllegalStateException(closed ? "closed" : "already started");
    }
    watcher = new ClusterWatcher(client, new Listener(), Duration.ZERO);
    watcher.start(kinds, settings.namespaces(), WATCH_START);
    watcher.errors().forEach(e -> LOG.warning("not watched: " + e.message()));
    try {
      worker.submit(() -> {
        firstScan();
        return null;
      }).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new ClusterException("interrupted during the first scan", e);
    } catch (ExecutionException e) {
      close();
      if (e.getCause() instanceof ClusterException c) {
        throw c;
      }
      throw new IllegalStateException("the first scan failed: " + e.getCause(), e.getCause());
    }
    if (!settings.resync().isZero() && !settings.resync().isNegative()) {
      long ms = settings.resync().toMillis();
      worker.scheduleWithFixedDelay(this::resync, ms, ms, TimeUnit.MILLISECONDS);
    }
    if (!settings.snapshotEvery().isZero() && !settings.snapshotEvery().isNegative()) {
      long ms = settings.snapshotEvery().toMillis();
      // The first right away, so that the posture has a point from the start.
      worker.scheduleAtFixedRate(this::snapshotQuietly, 0, ms, TimeUnit.MILLISECONDS);
    }
    long check = exceptionCheck.toMillis();
    worker.scheduleWithFixedDelay(this::refreshExceptions, check, check, TimeUnit.MILLISECONDS);
    watching = true;
    worker.execute(this::flush); // events that arrived during the scan
    dispatcher = new Dispatcher(store, Sinks.of(settings.sinks()), settings.sinks(), metrics,
        clock);
    dispatcher.start();
    ready = true;
  }

  /** Whether the first scan is stored and the watches run (and the monitor is not closed). */
  public boolean ready() {
    return ready && !closed;
  }

  @Override
  public void close() {
    closed = true;
    ready = false;
    if (watcher != null) {
      watcher.close();
    }
    if (dispatcher != null) {
      dispatcher.close();
    }
    worker.shutdownNow();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Test hook: runs a full resync now and waits for it. */
  void resyncNow() throws Exception {
    worker.submit(() -> {
      fullScan();
      return null;
    }).get();
  }

  /** Test hook: the watch stops, as a dropped connection that nobody notices. */
  void dropWatch() {
    watcher.close();
  }

  /**
   * Test hook: watches again from a fresh list, as informers do after 410 Gone: every object is
   * delivered again.
   */
  void rewatch() throws ClusterException {
    watcher = new ClusterWatcher(client, new Listener(), Duration.ZERO);
    watcher.start(kinds, settings.namespaces(), WATCH_START);
  }

  /** Test hook: evaluates pending events now and waits. */
  void flushNow() throws Exception {
    worker.submit(this::flush).get();
  }

  /** Test hook: records a snapshot now. */
  long snapshotNow() throws Exception {
    return worker.submit(this::snapshot).get();
  }

  // Watch events (informer threads)

  private final class Listener implements ClusterWatcher.Listener {
    @Override
    public void added(Resource resource) {
      record("added", resource);
    }

    @Override
    public void updated(Resource resource) {
      record("updated", resource);
    }

    @Override
    public void deleted(Resource resource) {
      record("deleted", resource);
    }
  }

  private void record(String type, Resource resource) {
    eventCounters.computeIfAbsent(resource.kind() + "/" + type, k -> Counter
        .builder("plumbline.watch.events").tag("kind", resource.kind()).tag("type", type)
        .register(metrics)).increment();
    synchronized (pending) {
      pending.remove(Dependents.key(resource)); // keep arrival order: the latest goes last
      pending.put(Dependents.key(resource),
          new Event(type, resource, ++sequence, System.nanoTime()));
      if (flush == null && watching && !closed) {
        flush = schedule(this::flush, settings.debounce());
      }
    }
  }

  private ScheduledFuture<?> schedule(Runnable task, Duration after) {
    try {
      return worker.schedule(task, after.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return null; // closing
    }
  }

  // Work (worker thread)

  /** Evaluates the pending events as one batch: one reconcile. */
  private void flush() {
    List<Event> events;
    synchronized (pending) {
      events = new ArrayList<>(pending.values());
      pending.clear();
      flush = null;
    }
    Set<ResourceRef> dirty = new LinkedHashSet<>(retry);
    Map<String, Resource> changed = new LinkedHashMap<>();
    Map<String, Resource> removed = new LinkedHashMap<>();
    for (Event e : events) {
      Resource r = e.resource();
      String key = Dependents.key(r);
      Resource old = known.get(key);
      if (e.type().equals("deleted")) {
        if (old == null) {
          continue;
        }
        dirty.add(r.ref());
        dirty.addAll(known.of(old));
        known.remove(r);
        changed.remove(key);
        removed.put(key, old);
        continue;
      }
      String rv = r.origin().resourceVersion();
      if (old != null && rv != null && rv.equals(old.origin().resourceVersion())) {
        continue; // already judged: a relist or a resync delivering it again
      }
      if (old != null) {
        dirty.addAll(known.of(old));
      }
      known.put(r);
      removed.remove(key);
      changed.put(key, r);
      dirty.add(r.ref());
      dirty.addAll(known.of(r));
    }
    if (inventory != null) {
      inventory = inventory.with(changed.values(), removed.values());
    }
    if (dirty.isEmpty()) {
      return;
    }
    try {
      evaluate(dirty);
      retry.clear();
      long now = System.nanoTime();
      for (Event e : events) {
        lagTimer.record(now - e.receivedNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (RuntimeException ex) {
      LOG.log(Level.WARNING, "could not store the findings of " + dirty.size()
          + " changed object(s), trying again in " + RETRY.toSeconds() + "s: " + ex, ex);
      retry.addAll(dirty);
      synchronized (pending) {
        if (flush == null && !closed) {
          flush = schedule(this::flush, RETRY);
        }
      }
    }
  }

  /** Judges some objects again and reconciles them as the scope. */
  private ReconcileResult evaluate(Set<ResourceRef> refs) {
    Scanner scanner = new Scanner(withStoredExceptions());
    if (inventory == null) {
      inventory = Inventory.of(known.all());
    }
    Inventory inventory = this.inventory;
    List<Finding> open = new ArrayList<>();
    List<Suppressed> suppressed = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ResourceRef ref : refs) {
      Resource r = known.get(Dependents.key(ref));
      if (r == null || !inScope(r) || Owners.judgedThroughController(r, known)) {
        continue; // deleted, filtered out, or judged through its controller: no findings
      }
      Scanner.Verdict v = evaluationTimer.record(() -> scanner.evaluate(r, inventory));
      for (Finding f : v.findings()) {
        if (seen.add(f.id())) {
          open.add(f);
        }
      }
      for (Suppressed s : v.suppressed()) {
        if (seen.add(s.finding().id())) {
          suppressed.add(s);
        }
      }
    }
    return store.reconcile(settings.cluster(), Scope.resources(refs), open, suppressed,
        clock.instant(), rule);
  }

  /**
   * The first scan judges what the watches' first lists delivered, rather than reading the
   * cluster a second time (on a large cluster the read is most of the start-up), plus a read of
   * the kinds no watch serves (Secrets, as metadata only).
   */
  private void firstScan() throws ClusterException {
    long started = System.nanoTime();
    List<Resource> resources = new ArrayList<>();
    synchronized (pending) {
      // The latest event of each object: a deletion after its listing leaves it out.
      for (Event e : pending.values()) {
        if (!e.type().equals("deleted")) {
          resources.add(e.resource());
        }
      }
      pending.clear();
    }
    List<InputError> errors = new ArrayList<>(watcher.errors());
    List<dev.plumbline.resource.InputNote> notes = new ArrayList<>(watcher.notes());
    if (!watcher.readableNotWatched().isEmpty()) {
      ClusterReader.Result read = new ClusterReader(client)
          .read(watcher.readableNotWatched(), settings.namespaces());
      resources.addAll(read.resources());
      errors.addAll(read.errors());
      notes.addAll(read.notes());
    }
    Set<String> notRead = new HashSet<>();
    for (InputError e : errors) {
      String m = e.message();
      int end = m.indexOf(" not watched");
      if (end < 0) {
        end = m.indexOf(" not read");
      }
      if (end > 0) {
        notRead.add(m.substring(0, end));
      }
    }
    known.replaceAll(resources);
    unread = Set.copyOf(notRead);
    reconcileKnown(errors, notes, List.of());
    retry.clear();
    scanTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  /** Reads the whole cluster, judges it and reconciles it. */
  private void fullScan() throws ClusterException {
    long started = System.nanoTime();
    long seen;
    synchronized (pending) {
      seen = sequence;
    }
    ClusterReader.Result read = new ClusterReader(client).read(kinds, settings.namespaces());
    Set<String> notRead = new HashSet<>();
    for (InputError e : read.errors()) {
      String m = e.message();
      int end = m.indexOf(" not read");
      if (end > 0) {
        notRead.add(m.substring(0, end));
      }
    }
    List<Resource> previous = known.snapshot();
    // Events that arrived before the read began are in it.
    synchronized (pending) {
      pending.values().removeIf(ev -> ev.sequence() <= seen);
    }
    List<Resource> resources = new ArrayList<>(read.resources());
    // A kind that could not be read keeps what the watch knows of it, and its findings.
    for (Resource old : previous) {
      if (notRead.contains(old.kind())) {
        resources.add(old);
      }
    }
    known.replaceAll(resources);
    unread = Set.copyOf(notRead);
    if (!unread.isEmpty()) {
      LOG.warning("kinds not read, their findings are kept as they were: " + unread);
    }
    reconcileKnown(read.errors(), read.notes(), previous);
    retry.clear();
    scanTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  /**
   * Judges every object the monitor knows and reconciles the whole cluster, except the kinds the
   * last full read could not read.
   */
  private void reconcileKnown(List<InputError> errors, List<dev.plumbline.resource.InputNote> notes,
      List<Resource> previous) {
    ScanOptions withExceptions = withStoredExceptions();
    List<Resource> resources = known.snapshot();
    Inventory all = Inventory.of(resources);
    ScanResult result = new Scanner(withExceptions).scan(resources, all, errors, notes, 0);
    inventory = all;
    Scope scope;
    if (unread.isEmpty()) {
      scope = Scope.cluster();
    } else {
      Set<ResourceRef> refs = new LinkedHashSet<>();
      for (List<Resource> list : List.of(resources, previous)) {
        for (Resource r : list) {
          if (!unread.contains(r.kind())) {
            refs.add(r.ref());
          }
        }
      }
      scope = Scope.resources(refs);
    }
    List<Finding> open = new ArrayList<>(result.findings());
    List<Suppressed> suppressed = new ArrayList<>(result.suppressed());
    if (!scope.isCluster()) {
      open.removeIf(f -> !scope.resourceSet().contains(f.resource()));
      suppressed.removeIf(x -> !scope.resourceSet().contains(x.finding().resource()));
    }
    store.reconcile(settings.cluster(), scope, open, suppressed, clock.instant(), rule);
    exceptionsUsed = withExceptions.exceptions().all();
  }

  /**
   * When the stored exceptions changed (created, edited, expired, deleted), judges everything
   * again in memory (no API reads) so that they apply to every object at once.
   */
  private void refreshExceptions() {
    try {
      if (!store.exceptionSet(settings.cluster()).all().equals(exceptionsUsed)) {
        reconcileKnown(List.of(), List.of(), List.of());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "cannot apply the stored exceptions of " + settings.cluster()
          + ": " + e, e);
    }
  }

  private void resync() {
    try {
      fullScan();
    } catch (ClusterException | RuntimeException e) {
      LOG.log(Level.WARNING, "full resync of " + settings.cluster() + " failed: " + e, e);
    }
  }

  private void snapshotQuietly() {
    try {
      snapshot();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "posture snapshot of " + settings.cluster() + " failed: " + e, e);
    }
  }

  /** Judges what the monitor knows (no API reads) and records the posture. */
  private long snapshot() {
    ScanResult result = new Scanner(withStoredExceptions())
        .scan(known.snapshot(), List.of(), List.of(), 0);
    return store.recordSnapshot(settings.cluster(), clock.instant(), Posture.of(result));
  }

  private ScanOptions withStoredExceptions() {
    return options.withExceptions(store.exceptionSet(settings.cluster()));
  }

  /** Scanner.inScope: whether the namespace filter lets a resource be judged. */
  private boolean inScope(Resource r) {
    Set<String> ns = options.namespaces();
    if (ns.isEmpty()) {
      return true;
    }
    if (r.kind().equals("Namespace")) {
      return ns.contains(r.name());
    }
    String n = r.namespace().isEmpty() && !ClusterScope.isClusterScoped(r.ref()) ? "default"
        : r.namespace();
    return ns.contains(n);
  }
}
