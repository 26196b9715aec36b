package dev.plumbline.bench;

import dev.plumbline.control.Library;
import dev.plumbline.monitor.DemoCluster;
import dev.plumbline.monitor.Monitor;
import dev.plumbline.monitor.MonitorSettings;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.Selection;
import dev.plumbline.store.FindingQuery;
import dev.plumbline.store.FindingStatus;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoredFinding;
import dev.plumbline.testkube.KubeApiServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Continuous monitoring benchmark: a generated cluster ({@link ManifestGenerator}) is created in
 * a real kube-apiserver on etcd ({@code --api real}, the default: built by
 * {@code .ci/kube-apiserver.sh}, run as separate processes) or in fabric8's in-process mock API
 * server ({@code --api mock}: CRUD mode, as {@code DemoCluster}), a {@link Monitor}
 * with the full built-in library watches it into an embedded {@link Store}, and the program
 * reports (1) the time from {@code Monitor.start()} to the first complete evaluation stored (when
 * {@code start()} returns), (2) the heap after that first scan ({@code System.gc()} then used
 * heap, and the sum of the heap pools' peaks), and (3) the latency from a single object change
 * (a Deployment's first container gets {@code privileged: true}, or loses it again) to its
 * finding being stored (open, or resolved), over M changes made one at a time.
 *
 * <p>With {@code --api mock} the mock API server and its copy of every object live in the same
 * JVM: the heap figures include them, so the heap is also reported right before the monitor
 * starts.
 *
 * <p>Usage:
 *
 * <pre>
 * java -Xmx2g -cp plumbline-bench/target/plumbline-bench.jar dev.plumbline.bench.MonitorBenchmark
 *     [--resources 50000] [--changes 1000] [--dir DIR] [--seed 42] [--create-budget 300]
 *     [--threads 4] [--data bench-out/monitor-db] [--api real|mock]
 * </pre>
 *
 * <p>{@code --dir} reads manifests written by {@code ManifestGenerator} instead of generating
 * {@code --resources} objects into a temporary directory; {@code --create-budget} (seconds) stops
 * creating objects when exceeded, and the benchmark goes on with the objects created so far
 * (reported as N).
 */
public final class MonitorBenchmark {
  private static final String CLUSTER = "bench";
  private static final String CONTROL = "privileged-containers";
  private static final Duration CHANGE_TIMEOUT = Duration.ofSeconds(60);

  /** Held strongly: a logger only referenced by name may be collected with its level. */
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  private MonitorBenchmark() {}

  public static void main(String[] args) throws Exception {
    int resources = 50_000;
    int changes = 1_000;
    Path dir = null;
    long seed = 42;
    long createBudget = 300;
    int threads = 4;
    Path data = null;
    String api = "real";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--resources" -> resources = Integer.parseInt(args[++i]);
        case "--changes" -> changes = Integer.parseInt(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--create-budget" -> createBudget = Long.parseLong(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--data" -> data = Path.of(args[++i]);
        case "--api" -> api = args[++i];
        default -> {
          System.err.println("usage: MonitorBenchmark [--resources N] [--changes M] [--dir DIR]"
              + " [--seed S] [--create-budget SECONDS] [--threads T] [--data DIR]"
              + " [--api real|mock]");
          System.exit(2);
        }
      }
    }
    // the in-process API server logs every request it answers
    MOCK_SERVER_LOG.setLevel(Level.WARNING);

    if (dir == null) {
      dir = Files.createTempDirectory("plumbline-monitor-bench");
      long g = System.nanoTime();
      int written = ManifestGenerator.generate(resources, dir, seed);
      System.out.printf("generated %d objects in %.1f s into %s%n", written,
          (System.nanoTime() - g) / 1e9, dir);
    }
    if (data == null) {
      data = Files.createTempDirectory("plumbline-monitor-bench-db");
    }

    if (api.equals("mock")) {
      try (DemoCluster cluster = DemoCluster.empty();
          Store store = Store.embedded(data)) {
        run(cluster.client(), store, dir, changes, createBudget, threads);
      }
    } else if (api.equals("real")) {
      // kube-apiserver and etcd in their own processes: the heap figures are the monitor's.
      try (KubeApiServer kube = KubeApiServer.builder().build().start();
          Store store = Store.embedded(data)) {
        System.out.printf("real kube-apiserver at %s%n", kube.url());
        run(kube.client(), store, dir, changes, createBudget, threads);
      }
    } else {
      System.err.println("--api is real (a kube-apiserver built by .ci/kube-apiserver.sh) or "
          + "mock (fabric8's in-process mock server), not " + api);
      System.exit(2);
    }
    System.exit(0);
  }

  private static void run(KubernetesClient client, Store store, Path dir, int changes,
      long createBudget, int threads) throws Exception {
    List<HasMetadata> objects = load(client, dir);
    System.out.printf("objects in %s: %d%n", dir, objects.size());

    // Seed the API server through the client, in parallel, within the budget; namespaces first,
    // as a real API server refuses objects in a namespace that does not exist.
    long c0 = System.nanoTime();
    for (HasMetadata o : objects) {
      if (o.getKind().equals("Namespace")) {
        client.resource(o).create();
      }
    }
    long deadline = c0 + TimeUnit.SECONDS.toNanos(createBudget);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger created = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> futures = new ArrayList<>();
    boolean[] done = new boolean[objects.size()];
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        for (int i = next.getAndIncrement(); i < objects.size() && System.nanoTime() < deadline;
            i = next.getAndIncrement()) {
          if (objects.get(i).getKind().equals("Namespace")) {
            done[i] = true;
            created.incrementAndGet();
            continue;
          }
          try {
            client.resource(objects.get(i)).create();
          } catch (KubernetesClientException e) {
            if (e.getCode() != 403 && e.getCode() != 422) {
              throw e;
            }
            // A real API server refuses what a real cluster would: Pod Security Admission
            // rejects the generator's privileged pods in namespaces that enforce baseline.
            refused.incrementAndGet();
            continue;
          }
          done[i] = true;
          int n = created.incrementAndGet();
          if (n % 5000 == 0) {
            System.out.printf("  created %d in %.1f s%n", n, (System.nanoTime() - c0) / 1e9);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    double createSeconds = (System.nanoTime() - c0) / 1e9;
    int n = created.get();
    System.out.printf("created %d objects through the client in %.1f s (%.0f/s)%s%n", n,
        createSeconds, n / createSeconds,
        n + refused.get() < objects.size() ? " (budget reached: " + objects.size() + " wanted)"
            : "");
    if (refused.get() > 0) {
      System.out.printf("refused by the API server's admission (403/422): %d%n", refused.get());
    }

    List<Deployment> targets = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      if (done[i] && objects.get(i) instanceof Deployment d && !privileged(d)) {
        targets.add(d);
      }
    }

    Library library = Library.builtIn();
    ScanOptions options = ScanOptions.of(
        Selection.resolve(library, List.of(), List.of(), null, Map.of()));
    MonitorSettings settings = new MonitorSettings(CLUSTER, Set.of(), Duration.ZERO,
        Duration.ZERO, null, false, List.of());
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    long baseline = usedAfterGc();
    System.out.printf("heap before the monitor (API server seeded, after GC)  %d MiB%n",
        baseline >> 20);

    try (Monitor monitor = new Monitor(settings, client, store, options, metrics,
        Clock.systemUTC())) {
      long s0 = System.nanoTime();
      monitor.start();
      double firstSeconds = (System.nanoTime() - s0) / 1e9;
      long peak = heapPeak();
      long steady = usedAfterGc();
      long open = store.countFindings(FindingQuery.all().cluster(CLUSTER)
          .statuses(FindingStatus.OPEN), FindingQuery.GroupBy.CLUSTER)
          .values().stream().mapToLong(Long::longValue).sum();

      System.out.println();
      System.out.printf("first evaluation stored (Monitor.start)  %.1f s   (target <= 60 s)%n",
          firstSeconds);
      System.out.printf("open findings stored                     %d%n", open);
      Timer scan = metrics.find("plumbline.scan").timer();
      if (scan != null && scan.count() > 0) {
        System.out.printf("  of which the first scan (judge what the watches listed, reconcile)"
            + "  %.1f s; the rest is the watches' initial lists%n",
            scan.totalTime(TimeUnit.SECONDS));
      }
      System.out.printf("heap after first scan (after GC)         %d MiB   (target <= 1536 MiB;"
          + " monitor's share ~%d MiB)%n", steady >> 20, (steady - baseline) >> 20);
      System.out.printf("heap peak (sum of pool peaks)            %d MiB   (max %d MiB)%n",
          peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
      System.out.println();

      // Single changes, one at a time.
      int m = Math.min(changes, 2 * targets.size());
      long[] latencies = new long[m];
      int measured = 0;
      int timeouts = 0;
      long l0 = System.nanoTime();
      for (int k = 0; k / 2 < targets.size(); k += 2) {
        Deployment d = targets.get(k / 2);
        String ns = d.getMetadata().getNamespace();
        String name = d.getMetadata().getName();
        // on: privileged: true appears
        long t = System.nanoTime();
        setPrivileged(client, ns, name, true);
        Optional<StoredFinding> f = awaitOpen(store, ns, name, t);
        if (f.isEmpty()) {
          timeouts++;
          setPrivileged(client, ns, name, false);
          continue;
        }
        latencies[measured++] = System.nanoTime() - t;
        if (measured >= m) {
          break;
        }
        // off: the finding resolves
        t = System.nanoTime();
        setPrivileged(client, ns, name, false);
        if (awaitStatus(store, f.get().id(), FindingStatus.RESOLVED, t)) {
          latencies[measured++] = System.nanoTime() - t;
        } else {
          timeouts++;
        }
        if (measured >= m) {
          break;
        }
        if (measured % 100 == 0) {
          System.out.printf("  %d changes measured in %.1f s%n", measured,
              (System.nanoTime() - l0) / 1e9);
        }
      }
      long[] lat = Arrays.copyOf(latencies, measured);
      Arrays.sort(lat);
      Timer lag = metrics.find("plumbline.watch.lag").timer();

      System.out.println();
      System.out.println("== Continuous monitoring benchmark ==");
      System.out.printf("objects created (N)                      %d%n", n);
      System.out.printf("seeding through the client               %.1f s (%d threads)%n",
          createSeconds, threads);
      System.out.printf("first evaluation stored (Monitor.start)  %.1f s   (target <= 60 s)%n",
          firstSeconds);
      System.out.printf("heap after first scan (after GC)         %d MiB   (target <= 1536 MiB;"
          + " before the monitor %d MiB)%n", steady >> 20, baseline >> 20);
      System.out.printf("heap peak (sum of pool peaks)            %d MiB%n", peak >> 20);
      System.out.printf("changes measured (M)                     %d (%d timed out after %d s)%n",
          measured, timeouts, CHANGE_TIMEOUT.toSeconds());
      if (measured > 0) {
        System.out.printf("change -> finding stored   p50 %.0f ms  p95 %.0f ms  p99 %.0f ms"
                + "  max %.0f ms   (target p99 <= 1000 ms)%n",
            pct(lat, 50), pct(lat, 95), pct(lat, 99), lat[lat.length - 1] / 1e6);
      }
      if (lag != null && lag.count() > 0) {
        System.out.printf("monitor's own watch lag (event arrival -> stored)  mean %.0f ms"
                + "  max %.0f ms over %d events (debounce %d ms)%n",
            lag.mean(TimeUnit.MILLISECONDS), lag.max(TimeUnit.MILLISECONDS), lag.count(),
            settings.debounce().toMillis());
      }
      System.out.printf("JVM: %s, %d cores, -Xmx %d MiB%n", System.getProperty("java.version"),
          Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
    }
  }

  private static List<HasMetadata> load(KubernetesClient client, Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    List<HasMetadata> out = new ArrayList<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata item : client.load(in).items()) {
          if (item instanceof KubernetesList list) {
            out.addAll(list.getItems());
          } else {
            out.add(item);
          }
        }
      }
    }
    return out;
  }

  private static boolean privileged(Deployment d) {
    for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
      SecurityContext sc = c.getSecurityContext();
      if (sc != null && Boolean.TRUE.equals(sc.getPrivileged())) {
        return true;
      }
    }
    return false;
  }

  private static void setPrivileged(KubernetesClient client, String ns, String name,
      boolean on) {
    client.apps().deployments().inNamespace(ns).withName(name).edit(d -> {
      Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      SecurityContext sc = c.getSecurityContext();
      if (sc == null) {
        sc = new SecurityContext();
        c.setSecurityContext(sc);
      }
      sc.setPrivileged(on ? Boolean.TRUE : null);
      if (on) {
        // A real API server refuses privileged with allowPrivilegeEscalation: false.
        sc.setAllowPrivilegeEscalation(null);
      }
      return d;
    });
  }

  /** Polls the store until the Deployment has an open privileged-containers finding. */
  private static Optional<StoredFinding> awaitOpen(Store store, String ns, String name,
      long since) throws InterruptedException {
    FindingQuery q = FindingQuery.all().cluster(CLUSTER).namespaces(ns).controls(CONTROL)
        .statuses(FindingStatus.OPEN).page(0, 100);
    while (System.nanoTime() - since < CHANGE_TIMEOUT.toNanos()) {
      for (StoredFinding f : store.findings(q).items()) {
        if (f.resource().kind().equals("Deployment") && f.resource().name().equals(name)) {
          return Optional.of(f);
        }
      }
      Thread.sleep(5);
    }
    return Optional.empty();
  }

  private static boolean awaitStatus(Store store, String id, FindingStatus status, long since)
      throws InterruptedException {
    while (System.nanoTime() - since < CHANGE_TIMEOUT.toNanos()) {
      Optional<StoredFinding> f = store.finding(CLUSTER, id);
      if (f.isPresent() && f.get().status() == status) {
        return true;
      }
      Thread.sleep(5);
    }
    return false;
  }

  private static double pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  private static long usedAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static long heapPeak() {
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    return peak;
  }
}
