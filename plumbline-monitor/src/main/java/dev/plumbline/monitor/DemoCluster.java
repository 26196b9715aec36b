package dev.plumbline.monitor;

import dev.plumbline.store.Store;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * A cluster to try {@code plumbline serve} without one: fabric8's mock API server in CRUD mode,
 * in this process on a local port, seeded with the example online shop of {@code examples/} (and
 * its planted problems) plus a few more misconfigured objects. Objects created, changed or
 * deleted through {@link #client()} are watched like a real cluster's.
 */
public final class DemoCluster implements AutoCloseable {
  private static final String BASE = "/dev/plumbline/monitor/demo/";

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  private DemoCluster(KubernetesMockServer server, KubernetesClient client) {
    this.server = server;
    this.client = client;
  }

  /** Starts the mock API server and creates the demo's objects. */
  public static DemoCluster start() {
    DemoCluster cluster = empty();
    KubernetesClient client = cluster.client;
    KubernetesMockServer server = cluster.server;
    try {
      for (HasMetadata object : objects(client)) {
        client.resource(object).create();
      }
    } catch (RuntimeException e) {
      client.close();
      stop(server);
      throw e;
    }
    return new DemoCluster(server, client);
  }

  /**
   * Starts the mock API server (CRUD mode, in-process) with no objects: for benchmarks and tests
   * that bring their own.
   */
  public static DemoCluster empty() {
    Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
        expectations, new KubernetesMixedDispatcher(expectations), false) {
      @Override
      protected Config initConfig() {
        Config config = super.initConfig();
        config.setRequestRetryBackoffLimit(1);
        return config;
      }
    };
    server.init();
    return new DemoCluster(server, server.createClient());
  }

  /** The demo's objects, in creation order. */
  static List<HasMetadata> objects(KubernetesClient client) {
    List<HasMetadata> out = new ArrayList<>();
    for (String file : index()) {
      try (InputStream in = DemoCluster.class.getResourceAsStream(BASE + file)) {
        if (in == null) {
          throw new IllegalStateException("demo file " + file + " missing from the jar");
        }
        for (HasMetadata item : client.load(in).items()) {
          if (item instanceof KubernetesList list) {
            out.addAll(list.getItems());
          } else {
            out.add(item);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static List<String> index() {
    List<String> files = new ArrayList<>();
    try (InputStream in = DemoCluster.class.getResourceAsStream(BASE + "index.txt");
        BufferedReader r = new BufferedReader(new InputStreamReader(in,
            StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          files.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** A client of the demo cluster; closed with it. */
  public KubernetesClient client() {
    return client;
  }

  /**
   * Starts the demo's story: the cluster changes over time so that findings open, resolve and
   * get suppressed (see docs/monitoring.md). One step every {@code step} (15 s for
   * {@code plumbline serve --demo}), each told by one line to {@code out}; closing the result
   * stops what is left of it.
   *
   * @param store the store the monitor of this cluster writes (the story adds an exception)
   * @param cluster the cluster's name in the store
   */
  public AutoCloseable startStory(Store store, String cluster, Duration step,
      Consumer<String> out) {
    return DemoStory.start(client, store, cluster, step, out, Clock.systemUTC());
  }

  @Override
  public void close() {
    client.close();
    stop(server);
  }

  /**
   * Stops a mock API server. Under Vert.x 5 the mock server waits for every WebSocket to close
   * before it stops, and its watch handler blocks its event loop when a watch closes; it then
   * gives up after 10 s with "Unable to close MockWebServer". The listening socket is closed by
   * then: what remains is threads that end with the JVM, so this is reported, not thrown.
   */
  static void stop(KubernetesMockServer server) {
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      System.getLogger(DemoCluster.class.getName()).log(System.Logger.Level.DEBUG,
          "the in-process API server did not stop cleanly: " + e.getMessage());
    }
  }
}
