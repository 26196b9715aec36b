package dev.plumbline.monitor;

import dev.plumbline.store.ExceptionSpec;
import dev.plumbline.store.FindingQuery;
import dev.plumbline.store.FindingStatus;
import dev.plumbline.store.Store;
import dev.plumbline.store.StoredException;
import dev.plumbline.store.StoredFinding;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The demo cluster changing over time, so that a newcomer watching {@code plumbline serve --demo}
 * sees findings open, resolve and get suppressed: one step every {@code step}.
 *
 * <ol>
 *   <li>a risky Deployment {@code shop/legacy-admin} appears (privileged, the node's {@code /}
 *       mounted, a {@code :latest} image): its findings open, and alert;
 *   <li>the fix lands: it is replaced by a hardened spec, its findings resolve;
 *   <li>an exception (accepted risk, 30 days) is stored for one still-open finding of the demo,
 *       and its resource is annotated with the exception's id, which makes the monitor judge it
 *       again at once: the finding becomes suppressed (the monitor's periodic check of the
 *       stored exceptions would catch it too, later).
 * </ol>
 */
final class DemoStory implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DemoStory.class.getName());
  private static final String STORY = "/dev/plumbline/monitor/demo/story/";
  static final String NAMESPACE = "shop";
  static final String NAME = "legacy-admin";
  /** The finding the exception is for, when it is open; otherwise the first open one. */
  static final String TARGET_CONTROL = "privileged-containers";
  static final String TARGET_NAMESPACE = "legacy";
  static final String TARGET_NAME = "reporting";
  static final String ANNOTATION = "plumbline.dev/exception";

  private final KubernetesClient client;
  private final Store store;
  private final String cluster;
  private final Consumer<String> out;
  private final Clock clock;
  private final ScheduledExecutorService timer;

  private DemoStory(KubernetesClient client, Store store, String cluster, Consumer<String> out,
      Clock clock) {
    this.client = client;
    this.store = store;
    this.cluster = cluster;
    this.out = out;
    this.clock = clock;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "plumbline-demo-story");
      t.setDaemon(true);
      return t;
    });
  }

  static DemoStory start(KubernetesClient client, Store store, String cluster, Duration step,
      Consumer<String> out, Clock clock) {
    if (step.isNegative() || step.isZero()) {
      throw new IllegalArgumentException("step must be positive: " + step);
    }
    DemoStory story = new DemoStory(client, store, cluster, out, clock);
    long ms = step.toMillis();
    story.timer.schedule(() -> story.run("risky deployment", story::appear), ms,
        TimeUnit.MILLISECONDS);
    story.timer.schedule(() -> story.run("fix", story::fix), 2 * ms, TimeUnit.MILLISECONDS);
    story.timer.schedule(() -> story.run("exception", story::accept), 3 * ms,
        TimeUnit.MILLISECONDS);
    return story;
  }

  private void run(String what, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "demo: the " + what + " step failed: " + e, e);
      out.accept("demo: the " + what + " step failed: " + e.getMessage());
    }
  }

  /** Step 1. */
  void appear() {
    Deployment risky = load("legacy-admin-risky.yaml");
    client.apps().deployments().inNamespace(NAMESPACE).resource(risky).create();
    out.accept("demo: a risky deployment " + NAMESPACE + "/" + NAME
        + " appeared (privileged, the node's / mounted, image :latest)");
  }

  /** Step 2. */
  void fix() {
    Deployment fixed = load("legacy-admin-fixed.yaml");
    client.apps().deployments().inNamespace(NAMESPACE).withName(NAME).edit(d -> {
      fixed.getMetadata().setResourceVersion(d.getMetadata().getResourceVersion());
      return fixed;
    });
    out.accept("demo: a fix landed: " + NAMESPACE + "/" + NAME
        + " now runs hardened (not privileged, no hostPath, pinned image)");
  }

  /** Step 3. */
  void accept() {
    Optional<StoredFinding> target = target();
    if (target.isEmpty()) {
      out.accept("demo: no open finding left to accept the risk of");
      return;
    }
    StoredFinding f = target.get();
    LocalDate expires = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(30);
    ExceptionSpec spec = new ExceptionSpec(List.of(cluster), List.of(f.controlId()),
        List.of(f.resource().namespace()), List.of(f.resource().kind()),
        List.of(f.resource().name()), Map.of(),
        "Demo: the legacy reporting job is being retired; accepted until then", "platform-team",
        expires);
    StoredException e = store.createException(spec, "demo", clock.instant());
    annotate(f, e.id());
    out.accept("demo: an exception for " + f.controlId() + " on " + f.resource().display()
        + " was added (owner platform-team, expires " + expires + "): the finding is suppressed");
  }

  /** The targeted finding if it is open, otherwise the most severe open finding. */
  private Optional<StoredFinding> target() {
    List<StoredFinding> open = store.findings(FindingQuery.all().cluster(cluster)
        .statuses(FindingStatus.OPEN).page(0, FindingQuery.MAX_LIMIT)).items();
    return open.stream()
        .filter(f -> f.controlId().equals(TARGET_CONTROL)
            && f.resource().kind().equals("Deployment")
            && f.resource().namespace().equals(TARGET_NAMESPACE)
            && f.resource().name().equals(TARGET_NAME))
        .findFirst()
        .or(() -> open.stream()
            .filter(f -> !f.resource().namespace().isEmpty())
            .min(Comparator.comparing(StoredFinding::severity).reversed()
                .thenComparing(StoredFinding::id)));
  }

  /** Marks the resource: the watch delivers the change and the monitor judges it again. */
  private void annotate(StoredFinding f, String exceptionId) {
    try {
      client.genericKubernetesResources(f.resource().apiVersion(), f.resource().kind())
          .inNamespace(f.resource().namespace()).withName(f.resource().name())
          .edit(r -> {
            Map<String, String> annotations = r.getMetadata().getAnnotations() == null
                ? new HashMap<>() : new HashMap<>(r.getMetadata().getAnnotations());
            annotations.put(ANNOTATION, exceptionId);
            r.getMetadata().setAnnotations(annotations);
            return r;
          });
    } catch (RuntimeException e) {
      // the monitor's periodic check of the stored exceptions applies it anyway
      LOG.log(Level.FINE, "demo: could not annotate " + f.resource().display(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private <T extends HasMetadata> T load(String file) {
    try (InputStream in = DemoStory.class.getResourceAsStream(STORY + file)) {
      if (in == null) {
        throw new IllegalStateException("demo file " + file + " missing from the jar");
      }
      return (T) client.load(in).items().get(0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
