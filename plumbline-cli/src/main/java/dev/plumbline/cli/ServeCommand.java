package dev.plumbline.cli;

import dev.plumbline.control.Library;
import dev.plumbline.control.PolicyVersion;
import dev.plumbline.kube.ClusterConnection;
import dev.plumbline.kube.ClusterException;
import dev.plumbline.monitor.DemoCluster;
import dev.plumbline.monitor.Monitor;
import dev.plumbline.monitor.MonitorSettings;
import dev.plumbline.monitor.SinkSettings;
import dev.plumbline.resource.InputException;
import dev.plumbline.scan.ScanOptions;
import dev.plumbline.scan.Selection;
import dev.plumbline.server.ApiServer;
import dev.plumbline.server.ServeConfig;
import dev.plumbline.server.admission.Admission;
import dev.plumbline.store.Store;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code plumbline serve}: watches a cluster, keeps the history of its findings in a database,
 * sends alerts, and answers the REST API, health checks and metrics, until it is stopped.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Watch a cluster continuously: every change is judged by the same controls as "
        + "a scan, findings are kept with their history (first seen, resolved, reopened), alerts "
        + "are sent, and a REST API, /healthz, /readyz and /metrics are served.",
        "",
        "With --demo, an in-process Kubernetes API seeded with a demo cluster is watched "
        + "instead, its history is kept in a temporary directory, and reading the API needs no "
        + "token; the demo cluster changes every 15 s (findings open, resolve, get suppressed) "
        + "and alerts are logged on standard error.",
        "",
        "Configuration: a YAML file (--config), then environment variables (PLUMBLINE_*), then "
        + "flags, each overriding the one before; see docs/serve.md."})
final class ServeCommand implements Callable<Integer> {
  /** Held so that the level set on it stays (loggers are weakly referenced). */
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  /** How often the demo cluster changes, a step of its story; short in tests. */
  static final Duration DEMO_STEP = Duration.ofSeconds(15);
  /** How often the demo records a posture snapshot (a trend within its first minute). */
  static final Duration DEMO_SNAPSHOTS = Duration.ofSeconds(15);

  @Spec
  CommandSpec spec;

  Duration demoStep = DEMO_STEP;

  @Option(names = "--config", paramLabel = "FILE", description = "The configuration file.")
  Path config;

  @Option(names = "--demo", description = "Watch a built-in demo cluster (no cluster needed).")
  boolean demo;

  @Option(names = "--port", paramLabel = "P", description = "Port of the API (default 8080).")
  Integer port;

  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "Kubeconfig file (default: KUBECONFIG, ~/.kube/config, or in-cluster).")
  Path kubeconfig;

  @Option(names = "--context", paramLabel = "NAME", description = "Kubeconfig context.")
  String context;

  @Option(names = {"-n", "--namespace"}, paramLabel = "NS", split = ",",
      description = "Watch only these namespaces (repeatable).")
  List<String> namespaces = new ArrayList<>();

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Set a configuration key, for example --set cluster.name=prod "
          + "(repeatable; see docs/serve.md).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Running running;
    try {
      running = start(out);
    } catch (ClusterException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println("error: " + e.getMessage());
      err.flush();
      return Main.ERROR;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      stopped.countDown();
    }, "plumbline-shutdown"));
    stopped.await();
    return Main.OK;
  }

  /** What {@link #start} started; closing it stops everything, in reverse order. */
  static final class Running implements AutoCloseable {
    private final List<AutoCloseable> parts = new ArrayList<>();
    private ApiServer api;

    int port() {
      return api.port();
    }

    private <T extends AutoCloseable> T add(T part) {
      parts.add(0, part);
      return part;
    }

    @Override
    public synchronized void close() {
      for (AutoCloseable part : parts) {
        try {
          part.close();
        } catch (Exception e) {
          // stopping: the other parts still have to stop
        }
      }
      parts.clear();
    }
  }

  /** Starts the API, then the monitor; returns once the first full scan is stored. */
  Running start(PrintWriter out) throws ClusterException {
    Map<String, String> overrides = new LinkedHashMap<>();
    if (demo) {
      overrides.put("server.demo", "true");
      overrides.put("cluster.name", "demo");
      try {
        overrides.put("database.dataDir",
            Files.createTempDirectory("plumbline-demo-").toString());
      } catch (IOException e) {
        throw new ParameterException(spec.commandLine(),
            "--demo: cannot make a temporary directory: " + e.getMessage());
      }
    }
    if (port != null) {
      overrides.put("server.port", String.valueOf(port));
    }
    if (kubeconfig != null) {
      overrides.put("cluster.kubeconfig", kubeconfig.toString());
    }
    if (context != null) {
      overrides.put("cluster.context", context);
    }
    if (!namespaces.isEmpty()) {
      overrides.put("cluster.namespaces", String.join(",", namespaces));
    }
    overrides.putAll(settings);
    ServeConfig cfg;
    try {
      cfg = ServeConfig.load(config, System.getenv(), overrides);
    } catch (InputException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    Library library = Library.builtIn();
    if (cfg.scan().customControls() != null) {
      library = library.withCustom(cfg.scan().customControls());
    }
    Selection selection;
    try {
      selection = Selection.resolve(library, cfg.scan().frameworks(), cfg.scan().controls(),
          null, cfg.scan().severities());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PolicyVersion version = cfg.scan().pssVersion() != null ? cfg.scan().pssVersion()
        : PolicyVersion.LATEST;
    ScanOptions options = ScanOptions.of(selection).withPssVersion(version)
        .withNamespaces(new LinkedHashSet<>(cfg.cluster().namespaces()))
        .withClock(Clock.systemUTC());

    Running running = new Running();
    try {
      Store store = running.add(cfg.database().open());
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      running.add(registry::close);
      KubernetesClient client;
      DemoCluster demoCluster = null;
      if (demo) {
        // the in-process API server logs every request it answers: not for a user's terminal
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        demoCluster = running.add(DemoCluster.start());
        client = demoCluster.client();
      } else {
        client = running.add(ClusterConnection.open(cfg.cluster().kubeconfig(),
            cfg.cluster().context()));
      }
      List<SinkSettings> sinks = cfg.alerts().sinks().stream()
          .map(s -> new SinkSettings(s.name(), s.type().name().toLowerCase(java.util.Locale.ROOT),
              s.url() == null ? null : s.url().toString(), s.secret(), s.host(), s.port(),
              s.protocol(), s.batchSize(), s.batchInterval()))
          .toList();
      Duration snapshots = cfg.cluster().snapshotInterval();
      if (demo) {
        // a newcomer sees alerts and a trend within a minute: alerts go to standard error
        // unless sinks are configured, and snapshots are taken more often than the 1m minimum
        // of the configuration (unless it sets cluster.snapshotInterval)
        if (sinks.isEmpty()) {
          sinks = List.of(SinkSettings.log("log"));
        }
        if (!settings.containsKey("cluster.snapshotInterval")) {
          snapshots = DEMO_SNAPSHOTS;
        }
      }
      MonitorSettings monitorSettings = new MonitorSettings(cfg.cluster().name(),
          new LinkedHashSet<>(cfg.cluster().namespaces()), cfg.cluster().resyncPeriod(),
          snapshots, cfg.alerts().minSeverity(), cfg.alerts().onResolve(), sinks,
          cfg.cluster().debounce());
      Monitor monitor = new Monitor(monitorSettings, client, store, options, registry,
          Clock.systemUTC());
      Admission admission = null;
      if (cfg.admission().enabled()) {
        try {
          // cross-object controls are judged with what the monitor knows of the cluster
          admission = running.add(Admission.create(cfg.admission(), library, options, store,
              cfg.cluster().name(), monitor::inventory, registry, Clock.systemUTC()));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
      }
      running.api = running.add(ApiServer.start(cfg.server(), store, library, registry,
          monitor::ready, Clock.systemUTC(), admission));
      String scheme = cfg.server().tls() != null ? "https" : "http";
      out.println("Plumbline is serving on " + scheme + "://localhost:" + running.port()
          + "/api/v1 (cluster \"" + cfg.cluster().name() + "\", " + cfg.database() + ")"
          + (demo ? "; demo mode: reading needs no token" : ""));
      if (admission != null) {
        out.println("Admission control on " + scheme + "://localhost:" + running.port()
            + "/admission/validate and /admission/mutate (failure policy "
            + cfg.admission().failurePolicy().name().toLowerCase(java.util.Locale.ROOT)
            + (scheme.equals("http") ? "; the API server calls webhooks over HTTPS only" : "")
            + ")");
      }
      out.flush();
      running.add(monitor);
      monitor.start();
      out.println("First scan of \"" + cfg.cluster().name() + "\" stored; watching for changes."
          + " Stop with Ctrl-C.");
      out.flush();
      if (demoCluster != null) {
        out.println("demo: the cluster changes every " + demoStep.toSeconds() + "s: watch "
            + "findings open, resolve and get suppressed (alerts on standard error)");
        out.flush();
        running.add(demoCluster.startStory(store, cfg.cluster().name(), demoStep, line -> {
          synchronized (out) {
            out.println(line);
            out.flush();
          }
        }));
      }
      return running;
    } catch (ClusterException | RuntimeException e) {
      running.close();
      throw e;
    }
  }
}
