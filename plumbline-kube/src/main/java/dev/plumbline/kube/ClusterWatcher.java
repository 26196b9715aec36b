package dev.plumbline.kube;

import dev.plumbline.resource.InputError;
import dev.plumbline.resource.InputNote;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Watches a cluster for continuous monitoring: one informer per kind (per namespace with a
 * namespace restriction) lists the kind in pages, then watches it from the list's
 * resourceVersion, and hands every change to a {@link Listener} as a {@link Resource}, stripped
 * as {@link ClusterReader} strips it. The informers relist by themselves when a watch expires
 * (410 Gone) and reconnect when it drops; every resync period they deliver every object again as
 * an update.
 *
 * <p>Secrets are not watched: informers cannot ask for metadata only, and Secret values are never
 * requested. The kinds that could not be watched are reported like a scan's problems: 404 as a
 * note, 403 as an error.
 */
public final class ClusterWatcher implements AutoCloseable {
  /**
   * Receives changes, on the informers' threads: events of one kind arrive in order, events of
   * different kinds may arrive concurrently.
   */
  public interface Listener {
    /** An object seen for the first time (on the initial list, a relist, or when created). */
    void added(Resource resource);

    /** An object changed, or was delivered again by a resync (same resourceVersion). */
    void updated(Resource resource);

    /** An object was deleted; the resource is its last state known. */
    void deleted(Resource resource);
  }

  private final KubernetesClient client;
  private final Listener listener;
  private final Duration resync;
  private final List<SharedIndexInformer<GenericKubernetesResource>> informers =
      new ArrayList<>();
  private final List<InputError> errors = new ArrayList<>();
  private final List<InputNote> notes = new ArrayList<>();
  private final Set<String> readable = new java.util.TreeSet<>();

  /**
   * A watcher that uses the client's connection; it does not close the client.
   *
   * @param resync how often every object is delivered again; zero for never
   */
  public ClusterWatcher(KubernetesClient client, Listener listener, Duration resync) {
    this.client = client;
    this.listener = listener;
    this.resync = resync;
  }

  /**
   * Starts watching and returns once every kind has been listed. The listed objects reach the
   * listener as {@link Listener#added} on the informers' threads, possibly after this returns.
   *
   * @param kinds the kinds to watch (see {@link ClusterReader#kindsFor})
   * @param namespaces watch namespaced kinds in these namespaces only; empty for all
   * @param timeout how long to wait for the initial lists
   * @throws ClusterException when the API server cannot be reached, or the lists take longer
   *     than the timeout
   */
  public void start(Set<String> kinds, Set<String> namespaces, Duration timeout)
      throws ClusterException {
    for (String kind : new TreeSet<>(kinds)) {
      if (ApiKinds.of(kind) == null) {
        notes.add(new InputNote(kind, 0, "kind " + kind + " is not one Plumbline reads from "
            + "clusters (it does not know which API serves it), not watched"));
      }
    }
    Map<SharedIndexInformer<GenericKubernetesResource>, String> started = new LinkedHashMap<>();
    Map<SharedIndexInformer<GenericKubernetesResource>, ApiKind> kindOf = new LinkedHashMap<>();
    for (ApiKind kind : ApiKinds.all()) {
      if (!kinds.contains(kind.kind())) {
        continue;
      }
      if (kind.kind().equals("Secret") && kind.group().isEmpty()) {
        readable.add(kind.kind());
        notes.add(new InputNote(kind.path(null), 0, "Secrets are not watched (a watch cannot "
            + "ask for metadata only, and Secret values are never requested)"));
        continue;
      }
      List<String> targets = kind.namespaced() && !namespaces.isEmpty()
          ? List.copyOf(new TreeSet<>(namespaces)) : java.util.Collections.singletonList(null);
      for (String ns : targets) {
        SharedIndexInformer<GenericKubernetesResource> informer = informer(kind, ns);
        started.put(informer, kind.path(ns));
        kindOf.put(informer, kind);
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Set<String> unserved = new java.util.HashSet<>();
    for (Map.Entry<SharedIndexInformer<GenericKubernetesResource>, String> e
        : started.entrySet()) {
      SharedIndexInformer<GenericKubernetesResource> informer = e.getKey();
      ApiKind kind = kindOf.get(informer);
      String path = e.getValue();
      try {
        informer.start().toCompletableFuture()
            .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        informers.add(informer);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        close(informer);
        close();
        throw new ClusterException("interrupted while starting to watch " + path, ex);
      } catch (TimeoutException ex) {
        close(informer);
        close();
        throw new ClusterException("the Kubernetes API server at "
            + client.getConfiguration().getMasterUrl() + " did not list " + path
            + " within " + timeout.toSeconds() + "s", ex);
      } catch (ExecutionException ex) {
        close(informer);
        int code = ex.getCause() instanceof KubernetesClientException k ? k.getCode() : 0;
        if (code == 404) {
          if (unserved.add(kind.kind())) {
            notes.add(new InputNote(path, 0, kind.kind() + " (" + kind.apiVersion()
                + ") is not served by this cluster, not watched"));
          }
        } else if (code == 403) {
          errors.add(new InputError(path, 0, kind.kind() + " not watched: forbidden: the "
              + "credentials lack the RBAC verbs 'list' and 'watch' on resource '"
              + kind.plural() + "' in API group " + kind.rbacGroup()));
        } else if (code > 0) {
          errors.add(new InputError(path, 0, kind.kind() + " not watched: the server answered "
              + code + ": " + ex.getCause().getMessage()));
        } else {
          close();
          throw new ClusterException("cannot reach the Kubernetes API server at "
              + client.getConfiguration().getMasterUrl() + ": "
              + (ex.getCause() == null ? ex : ex.getCause()).getMessage(), ex);
        }
      }
    }
  }

  /** Kinds that could not be watched (forbidden, server errors). */
  public List<InputError> errors() {
    return List.copyOf(errors);
  }

  /** Kinds deliberately or necessarily not watched (Secrets, kinds not served). */
  public List<InputNote> notes() {
    return List.copyOf(notes);
  }

  /**
   * Kinds asked for that no watch serves but a {@link ClusterReader} reads: Secrets, which it
   * lists as metadata only.
   */
  public Set<String> readableNotWatched() {
    return Set.copyOf(readable);
  }

  /** Stops every informer. */
  @Override
  public void close() {
    informers.forEach(ClusterWatcher::close);
    informers.clear();
  }

  private static void close(SharedIndexInformer<?> informer) {
    informer.stop();
  }

  private SharedIndexInformer<GenericKubernetesResource> informer(ApiKind kind, String ns) {
    ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
        .withGroup(kind.group()).withVersion(kind.version()).withKind(kind.kind())
        .withPlural(kind.plural()).withNamespaced(kind.namespaced()).build();
    var resources = client.genericKubernetesResources(context);
    var scope = ns == null || !kind.namespaced() ? resources.inAnyNamespace()
        : resources.inNamespace(ns);
    SharedIndexInformer<GenericKubernetesResource> informer = scope
        .withLimit((long) ClusterReader.PAGE_SIZE)
        .runnableInformer(resync.toMillis());
    informer.itemStore(new StrippedStore());
    // A failed initial list is reported, not retried; after that, informers retry.
    informer.exceptionHandler((isStarted, t) -> isStarted);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(GenericKubernetesResource object) {
        listener.added(resourceOf(object, kind));
      }

      @Override
      public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource object) {
        listener.updated(resourceOf(object, kind));
      }

      @Override
      public void onDelete(GenericKubernetesResource object, boolean finalStateUnknown) {
        listener.deleted(resourceOf(object, kind));
      }
    });
    return informer;
  }

  private Resource resourceOf(GenericKubernetesResource object, ApiKind kind) {
    Map<String, Object> plain = ListPage.readItem(
        client.getKubernetesSerialization().asJson(object), kind);
    return Resource.of(plain, Origin.live(object.getMetadata() == null ? null
        : object.getMetadata().getResourceVersion()));
  }

  /**
   * The informer's cache, which keeps objects without managed fields and without the
   * last-applied annotation, so that watching a large cluster holds no more than it must.
   */
  private static final class StrippedStore implements ItemStore<GenericKubernetesResource> {
    private final BasicItemStore<GenericKubernetesResource> store =
        new BasicItemStore<>(Cache::metaNamespaceKeyFunc);

    @Override
    public String getKey(GenericKubernetesResource object) {
      return store.getKey(object);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
      if (object.getMetadata() != null) {
        object.getMetadata().setManagedFields(null);
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        if (annotations != null && annotations.containsKey(ListPage.LAST_APPLIED)) {
          Map<String, String> kept = new LinkedHashMap<>(annotations);
          kept.remove(ListPage.LAST_APPLIED);
          object.getMetadata().setAnnotations(kept);
        }
      }
      return store.put(key, object);
    }

    @Override
    public GenericKubernetesResource remove(String key) {
      return store.remove(key);
    }

    @Override
    public Stream<String> keySet() {
      return store.keySet();
    }

    @Override
    public Stream<GenericKubernetesResource> values() {
      return store.values();
    }

    @Override
    public int size() {
      return store.size();
    }

    @Override
    public GenericKubernetesResource get(String key) {
      return store.get(key);
    }
  }
}
