package dev.plumbline.bench;

import dev.plumbline.control.Inventory;
import dev.plumbline.control.Library;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.Resource;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.Selection;
import dev.plumbline.server.ApiServer;
import dev.plumbline.server.ServerSettings;
import dev.plumbline.server.admission.Admission;
import dev.plumbline.server.admission.AdmissionSettings;
import dev.plumbline.server.admission.AdmissionSettings.Action;
import dev.plumbline.store.Store;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admission webhook benchmark: {@code plumbline serve}'s HTTP server with admission control
 * (full built-in library, baseline enforced, restricted warned, everything else audited into an
 * embedded H2 store, a small inventory so that cross-object controls run too) on loopback, and a
 * load generator in the same JVM: C connections (one keep-alive HTTP/1.1 client each) sending
 * AdmissionReviews of realistic workloads (Deployments, Pods, StatefulSets, CronJobs, two
 * containers with resources, probes, env and volumes; a share of them violating baseline or
 * restricted) as fast as they are answered, for a warm-up and then the measured period.
 *
 * <p>Server-side latency comes from the server's own histogram
 * ({@code plumbline_admission_review_duration_seconds}): the difference of its buckets between
 * the end of the warm-up and the end of the run, reported as bucket upper bounds, plus the exact
 * share answered within 5 ms (a bucket boundary).
 *
 * <pre>
 * java -cp plumbline-bench/target/plumbline-bench.jar dev.plumbline.bench.AdmissionBenchmark \
 *     [--seconds 60] [--warmup 15] [--connections 8] [--violating 0.2] [--client raw|jdk]
 * </pre>
 */
public final class AdmissionBenchmark {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private AdmissionBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new LinkedHashMap<>(Map.of("--seconds", "60", "--warmup", "15",
        "--connections", "8", "--violating", "0.2", "--bodies", "400", "--client", "raw"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!opts.containsKey(args[i])) {
        System.err.println("unknown option " + args[i] + " (known: " + opts.keySet() + ")");
        System.exit(2);
      }
      opts.put(args[i], args[i + 1]);
    }
    int seconds = Integer.parseInt(opts.get("--seconds"));
    int warmup = Integer.parseInt(opts.get("--warmup"));
    int connections = Integer.parseInt(opts.get("--connections"));
    double violating = Double.parseDouble(opts.get("--violating"));
    int bodies = Integer.parseInt(opts.get("--bodies"));
    boolean raw = switch (opts.get("--client")) {
      case "raw" -> true;
      case "jdk" -> false;
      default -> throw new IllegalArgumentException("--client is raw or jdk");
    };

    Library library = Library.builtIn();
    ScanOptions options = ScanOptions.of(Selection.resolve(library, List.of(), List.of(), null,
        Map.of()));
    AdmissionSettings settings = AdmissionSettings.enabledDefaults().withAction(Action.AUDIT)
        .withFrameworks(Map.of("pss-baseline", Action.ENFORCE, "pss-restricted", Action.WARN));
    Inventory inventory = inventory();
    Path dir = Files.createTempDirectory("plumbline-admission-bench-");
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<byte[]> reviews = reviews(bodies, violating, new Random(42));
    long bytes = reviews.stream().mapToLong(b -> b.length).sum();
    System.out.printf("input: %d distinct AdmissionReviews, %.1f KiB on average, %.0f%% "
        + "violating; %d controls; %d connections (%s client); %d s warm-up, %d s measured%n",
        reviews.size(), bytes / 1024.0 / reviews.size(), violating * 100,
        options.controls().size(), connections, raw ? "raw socket" : "JDK HttpClient", warmup,
        seconds);
    System.out.printf("machine: %d processors, load average %.2f at start, %s %s%n",
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        System.getProperty("java.vm.name"), System.getProperty("java.version"));

    try (Store store = Store.embedded(dir);
        Admission admission = Admission.create(settings, library, options, store, "bench",
            () -> inventory, metrics, Clock.systemUTC());
        ApiServer server = ApiServer.start(ServerSettings.of("127.0.0.1", 0, List.of(
            new ServerSettings.ApiToken("bench", "bench-token-0123456789",
                ServerSettings.Role.VIEWER))), store, library, metrics, () -> true,
            Clock.systemUTC(), admission)) {
      URI uri = URI.create("http://127.0.0.1:" + server.port() + "/admission/validate");
      AtomicBoolean measuring = new AtomicBoolean();
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicLong ok = new AtomicLong();
      AtomicLong errors = new AtomicLong();
      AtomicLong denied = new AtomicLong();
      long[][] clientLatencies = new long[connections][];
      int[] counts = new int[connections];
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < connections; c++) {
        int id = c;
        clientLatencies[c] = new long[4_000_000 / connections];
        Thread t = new Thread(() -> {
          Random random = new Random(id);
          Client client = raw ? new RawClient(uri) : new JdkClient(uri);
          while (running.get()) {
            byte[] body = reviews.get(random.nextInt(reviews.size()));
            long started = System.nanoTime();
            try {
              Client.Response r = client.post(body);
              long took = System.nanoTime() - started;
              if (!measuring.get()) {
                continue;
              }
              if (r.status() != 200) {
                errors.incrementAndGet();
                continue;
              }
              ok.incrementAndGet();
              if (new String(r.body(), StandardCharsets.UTF_8).contains("\"allowed\":false")) {
                denied.incrementAndGet();
              }
              if (counts[id] < clientLatencies[id].length) {
                clientLatencies[id][counts[id]++] = took;
              }
            } catch (Exception e) {
              if (measuring.get()) {
                errors.incrementAndGet();
              }
              client.reset();
            }
          }
        }, "load-" + c);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
      Thread.sleep(warmup * 1000L);
      Timer timer = metrics.find("plumbline.admission.review.duration").timer();
      HistogramSnapshot before = timer.takeSnapshot();
      long cpuBefore = processCpu();
      measuring.set(true);
      long started = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      measuring.set(false);
      long elapsed = System.nanoTime() - started;
      long cpu = processCpu() - cpuBefore;
      HistogramSnapshot after = timer.takeSnapshot();
      running.set(false);
      for (Thread t : threads) {
        t.join(5_000);
      }
      double secondsMeasured = elapsed / 1e9;
      System.out.printf("result: %d reviews in %.1f s = %.0f reviews/s, %d errors, %d denied "
          + "(%.1f%%)%n", ok.get(), secondsMeasured, ok.get() / secondsMeasured, errors.get(),
          denied.get(), 100.0 * denied.get() / Math.max(1, ok.get()));
      long count = after.count() - before.count();
      System.out.printf("server-side latency (histogram bucket upper bounds): p50 %s, p90 %s, "
          + "p99 %s, p99.9 %s; %.2f%% within 5 ms; mean %.2f ms%n",
          quantile(before, after, 0.5), quantile(before, after, 0.9),
          quantile(before, after, 0.99), quantile(before, after, 0.999),
          100.0 * within(before, after, 5e6) / Math.max(1, count),
          (after.total(java.util.concurrent.TimeUnit.MILLISECONDS)
              - before.total(java.util.concurrent.TimeUnit.MILLISECONDS)) / Math.max(1, count));
      long[] all = merge(clientLatencies, counts);
      System.out.printf("client-side latency (same JVM, loopback): p50 %.2f ms, p99 %.2f ms%n",
          pct(all, 0.5) / 1e6, pct(all, 0.99) / 1e6);
      System.out.printf("process CPU during the measured period: %.1f s of %.1f s wall "
          + "(%.2f cores, server and load generator together); load average %.2f at end%n",
          cpu / 1e9, secondsMeasured, cpu / 1e9 / secondsMeasured,
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      String scrape = metrics.scrape();
      scrape.lines().filter(l -> l.startsWith("plumbline_admission_reviews_total")
          || l.startsWith("plumbline_admission_events_dropped_total"))
          .forEach(l -> System.out.println("  " + l));
    }
  }

  /** One keep-alive HTTP/1.1 connection of the load generator. */
  private interface Client {
    record Response(int status, byte[] body) {}

    Response post(byte[] body) throws Exception;

    /** Drops the connection after an error; the next request opens a new one. */
    default void reset() {}
  }

  private static final class JdkClient implements Client {
    private final URI uri;
    private final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).build();

    JdkClient(URI uri) {
      this.uri = uri;
    }

    @Override
    public Response post(byte[] body) throws Exception {
      HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(uri)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      return new Response(r.statusCode(), r.body());
    }
  }

  /**
   * A minimal HTTP/1.1 client on a plain socket: the JDK's HttpClient spends more CPU per request
   * than the webhook does, and on a 2-core machine the load generator shares the cores with the
   * server it measures. It sends one request at a time and reads responses with a
   * {@code Content-Length} (what the server sends).
   */
  private static final class RawClient implements Client {
    private final URI uri;
    private java.net.Socket socket;
    private java.io.BufferedInputStream in;
    private java.io.OutputStream out;

    RawClient(URI uri) {
      this.uri = uri;
    }

    @Override
    public Response post(byte[] body) throws Exception {
      if (socket == null) {
        socket = new java.net.Socket(uri.getHost(), uri.getPort());
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 65536);
        out = new java.io.BufferedOutputStream(socket.getOutputStream(), 65536);
      }
      out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":"
          + uri.getPort() + "\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String status = line();
      int code = Integer.parseInt(status.split(" ")[1]);
      int length = -1;
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
          length = Integer.parseInt(h.substring(colon + 1).trim());
        }
      }
      if (length < 0) {
        throw new java.io.IOException("response without Content-Length");
      }
      return new Response(code, in.readNBytes(length));
    }

    private String line() throws java.io.IOException {
      StringBuilder sb = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new java.io.EOFException("connection closed");
        }
        if (b != '\r') {
          sb.append((char) b);
        }
      }
      return sb.toString();
    }

    @Override
    public void reset() {
      try {
        if (socket != null) {
          socket.close();
        }
      } catch (java.io.IOException e) {
        // closing a broken connection
      }
      socket = null;
    }
  }

  private static long processCpu() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
  }

  private static String quantile(HistogramSnapshot before, HistogramSnapshot after, double q) {
    CountAtBucket[] a = after.histogramCounts();
    CountAtBucket[] b = before.histogramCounts();
    double total = after.count() - before.count();
    for (int i = 0; i < a.length; i++) {
      double n = a[i].count() - (i < b.length ? b[i].count() : 0);
      if (n >= q * total) {
        return String.format("%.2f ms", a[i].bucket(java.util.concurrent.TimeUnit.MILLISECONDS));
      }
    }
    return "> " + a[a.length - 1].bucket(java.util.concurrent.TimeUnit.MILLISECONDS) + " ms";
  }

  private static double within(HistogramSnapshot before, HistogramSnapshot after, double nanos) {
    CountAtBucket[] a = after.histogramCounts();
    CountAtBucket[] b = before.histogramCounts();
    for (int i = 0; i < a.length; i++) {
      if (Math.abs(a[i].bucket() - nanos) < 1) {
        return a[i].count() - (i < b.length ? b[i].count() : 0);
      }
    }
    return Double.NaN;
  }

  private static long[] merge(long[][] parts, int[] counts) {
    int n = Arrays.stream(counts).sum();
    long[] all = new long[n];
    int at = 0;
    for (int i = 0; i < parts.length; i++) {
      System.arraycopy(parts[i], 0, all, at, counts[i]);
      at += counts[i];
    }
    Arrays.sort(all);
    return all;
  }

  private static double pct(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1,
        (int) Math.ceil(q * sorted.length) - 1)];
  }

  /** A few objects of the namespaces the reviews go to, for the cross-object controls. */
  private static Inventory inventory() {
    List<Resource> objects = new ArrayList<>();
    for (int n = 0; n < 10; n++) {
      String ns = "team-" + n;
      objects.add(resource(Map.of("apiVersion", "v1", "kind", "Namespace", "metadata",
          Map.of("name", ns, "labels", Map.of("pod-security.kubernetes.io/enforce",
              "baseline")))));
      objects.add(resource(Map.of("apiVersion", "networking.k8s.io/v1", "kind", "NetworkPolicy",
          "metadata", Map.of("name", "default-deny", "namespace", ns),
          "spec", Map.of("podSelector", Map.of(), "policyTypes", List.of("Ingress", "Egress")))));
      objects.add(resource(Map.of("apiVersion", "v1", "kind", "ServiceAccount",
          "metadata", Map.of("name", "app", "namespace", ns),
          "automountServiceAccountToken", false)));
      objects.add(resource(Map.of("apiVersion", "v1", "kind", "LimitRange",
          "metadata", Map.of("name", "defaults", "namespace", ns),
          "spec", Map.of("limits", List.of(Map.of("type", "Container",
              "default", Map.of("cpu", "500m", "memory", "256Mi")))))));
    }
    return Inventory.of(objects);
  }

  @SuppressWarnings("unchecked")
  private static Resource resource(Map<String, Object> object) {
    return Resource.of((Map<String, Object>) JSON.convertValue(object, Map.class),
        Origin.live("1"));
  }

  /** AdmissionReviews of generated workloads; a share violates baseline or restricted. */
  static List<byte[]> reviews(int n, double violating, Random random) {
    List<byte[]> out = new ArrayList<>();
    String[] kinds = {"Deployment", "Deployment", "Deployment", "Pod", "Pod", "StatefulSet",
        "CronJob"};
    for (int i = 0; i < n; i++) {
      String kind = kinds[random.nextInt(kinds.length)];
      String ns = "team-" + random.nextInt(10);
      String name = "app-" + i;
      boolean bad = random.nextDouble() < violating;
      Map<String, Object> pod = podSpec(name, bad ? random.nextInt(4) : -1, random);
      Map<String, Object> object = new LinkedHashMap<>();
      Map<String, Object> labels = new LinkedHashMap<>(Map.of("app.kubernetes.io/name", name,
          "app.kubernetes.io/part-of", "shop", "team", ns));
      Map<String, Object> metadata = new LinkedHashMap<>(Map.of("name", name, "namespace", ns,
          "labels", labels, "annotations", Map.of("owner", ns + "@example.com")));
      Map<String, Object> template = Map.of("metadata", Map.of("labels", labels), "spec", pod);
      switch (kind) {
        case "Pod" -> {
          object.put("apiVersion", "v1");
          object.put("kind", "Pod");
          object.put("metadata", metadata);
          object.put("spec", pod);
        }
        case "CronJob" -> {
          object.put("apiVersion", "batch/v1");
          object.put("kind", "CronJob");
          object.put("metadata", metadata);
          Map<String, Object> jobPod = new LinkedHashMap<>(pod);
          jobPod.put("restartPolicy", "OnFailure");
          object.put("spec", Map.of("schedule", "0 * * * *", "jobTemplate", Map.of("spec",
              Map.of("template", Map.of("metadata", Map.of("labels", labels), "spec",
                  jobPod)))));
        }
        default -> {
          object.put("apiVersion", "apps/v1");
          object.put("kind", kind);
          object.put("metadata", metadata);
          Map<String, Object> spec = new LinkedHashMap<>();
          spec.put("replicas", 3);
          spec.put("selector", Map.of("matchLabels", Map.of("app.kubernetes.io/name", name)));
          spec.put("template", template);
          if (kind.equals("StatefulSet")) {
            spec.put("serviceName", name);
          }
          object.put("spec", spec);
        }
      }
      Map<String, Object> request = new LinkedHashMap<>();
      request.put("uid", java.util.UUID.nameUUIDFromBytes(("r" + i).getBytes(
          StandardCharsets.UTF_8)).toString());
      request.put("kind", Map.of("group", "", "version", "v1", "kind", kind));
      request.put("namespace", ns);
      request.put("operation", random.nextInt(4) == 0 ? "UPDATE" : "CREATE");
      request.put("userInfo", Map.of("username", "system:serviceaccount:ci:deployer",
          "groups", List.of("system:serviceaccounts", "system:authenticated")));
      request.put("object", object);
      request.put("dryRun", false);
      out.add(JSON.writeValueAsBytes(Map.of("apiVersion", "admission.k8s.io/v1",
          "kind", "AdmissionReview", "request", request)));
    }
    return out;
  }

  private static Map<String, Object> podSpec(String name, int violation, Random random) {
    List<Object> containers = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      Map<String, Object> sc = new LinkedHashMap<>();
      sc.put("allowPrivilegeEscalation", false);
      sc.put("readOnlyRootFilesystem", true);
      sc.put("runAsNonRoot", true);
      sc.put("capabilities", Map.of("drop", List.of("ALL")));
      Map<String, Object> container = new LinkedHashMap<>();
      container.put("name", c == 0 ? name : "sidecar");
      container.put("image", "registry.example.com/shop/" + name + ":1." + random.nextInt(50)
          + ".0@sha256:" + "ab".repeat(32));
      container.put("ports", List.of(Map.of("name", "http", "containerPort", 8080 + c)));
      container.put("env", List.of(Map.of("name", "LOG_LEVEL", "value", "info"),
          Map.of("name", "DB_HOST", "value", "db." + name + ".svc")));
      container.put("resources", Map.of("requests", Map.of("cpu", "100m", "memory", "128Mi"),
          "limits", Map.of("cpu", "500m", "memory", "256Mi")));
      container.put("livenessProbe", Map.of("httpGet", Map.of("path", "/healthz", "port",
          8080 + c), "periodSeconds", 10));
      container.put("readinessProbe", Map.of("httpGet", Map.of("path", "/ready", "port",
          8080 + c), "periodSeconds", 5));
      container.put("volumeMounts", List.of(Map.of("name", "tmp", "mountPath", "/tmp")));
      container.put("securityContext", sc);
      containers.add(container);
    }
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("serviceAccountName", "app");
    spec.put("automountServiceAccountToken", false);
    spec.put("securityContext", new LinkedHashMap<>(Map.of("runAsNonRoot", true,
        "seccompProfile", Map.of("type", "RuntimeDefault"))));
    spec.put("containers", containers);
    spec.put("volumes", new ArrayList<>(List.of(Map.of("name", "tmp", "emptyDir", Map.of()))));
    @SuppressWarnings("unchecked")
    Map<String, Object> first = (Map<String, Object>) containers.get(0);
    @SuppressWarnings("unchecked")
    Map<String, Object> sc = (Map<String, Object>) first.get("securityContext");
    switch (violation) {
      case 0 -> sc.put("privileged", true); // baseline: denied
      case 1 -> spec.put("hostNetwork", true); // baseline: denied
      case 2 -> sc.remove("capabilities"); // restricted: warned
      case 3 -> first.put("image", "registry.example.com/shop/" + name + ":latest"); // audited
      default -> { }
    }
    return spec;
  }
}
