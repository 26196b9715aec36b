package dev.plumbline.kube;

import dev.plumbline.control.Control;
import dev.plumbline.control.Target;
import dev.plumbline.resource.InputError;
import dev.plumbline.resource.InputNote;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.Resource;
import dev.plumbline.resource.Workload;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import tools.jackson.core.JacksonException;

/**
 * Reads the objects of a live cluster for the engine.
 *
 * <p>Every kind is listed in pages ({@code limit=500} and continue tokens), so no response holds
 * more than a page. Each object becomes a {@link Resource} located by {@link Origin#live its
 * resourceVersion}, without {@code metadata.managedFields} and without the
 * {@code kubectl.kubernetes.io/last-applied-configuration} annotation. Secrets are listed as
 * metadata only (a {@code PartialObjectMetadataList}); their values are never requested, and
 * anything but their metadata and type is dropped unread should a server send it anyway.
 *
 * <p>A kind the server does not serve is skipped with a note; a kind the credentials may not
 * list is an input error that names the permission; the other kinds are still read. Only a server
 * that cannot be reached, or that rejects the credentials, stops the read
 * ({@link ClusterException}).
 */
public final class ClusterReader {
  /**
   * What was read.
   *
   * @param resources the objects, kind by kind in a fixed order, in the server's order within a
   *     kind
   * @param errors kinds that could not be read (forbidden, a server error); they make a scan exit
   *     with 2
   * @param notes kinds deliberately or necessarily skipped (not served, unknown)
   */
  public record Result(List<Resource> resources, List<InputError> errors, List<InputNote> notes) {}

  /** Objects per list request. */
  static final int PAGE_SIZE = 500;

  /** The only representation Secrets are asked for: metadata, never values. */
  static final String METADATA_ONLY =
      "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

  /** Read for every scan: namespace labels (Pod Security Admission), node versions, and pods
   *  (the control plane's mirror pods in kube-system). */
  private static final Set<String> ALWAYS = Set.of("Namespace", "Node", "Pod");

  private final KubernetesClient client;
  private final int pageSize;

  /** A reader that uses the client's connection and credentials; it does not close the client. */
  public ClusterReader(KubernetesClient client) {
    this(client, PAGE_SIZE);
  }

  ClusterReader(KubernetesClient client, int pageSize) {
    this.client = client;
    this.pageSize = pageSize;
  }

  /**
   * The kinds the given controls need: those they judge, those they look up in the inventory,
   * every workload kind when a control judges workloads, and always namespaces, nodes and pods.
   */
  public static Set<String> kindsFor(Collection<Control> controls) {
    Set<String> kinds = new TreeSet<>(ALWAYS);
    for (Control c : controls) {
      kinds.addAll(c.kinds());
      kinds.addAll(c.inventoryKinds());
      if (c.target() != Target.RESOURCE && c.kinds().isEmpty()) {
        kinds.addAll(Workload.kinds());
      }
    }
    return kinds;
  }

  /**
   * Lists every object of the given kinds.
   *
   * @param kinds kind names ({@code Pod}, {@code ClusterRole}); kinds Plumbline does not know
   *     where to find are noted and skipped
   * @param namespaces read namespaced kinds in these namespaces only; empty for all. Cluster-scoped
   *     kinds are read whole either way.
   * @throws ClusterException when the API server cannot be reached or rejects the credentials
   */
  public Result read(Set<String> kinds, Set<String> namespaces) throws ClusterException {
    List<Resource> resources = new ArrayList<>();
    List<InputError> errors = new ArrayList<>();
    List<InputNote> notes = new ArrayList<>();
    for (String kind : new TreeSet<>(kinds)) {
      if (ApiKinds.of(kind) == null) {
        notes.add(new InputNote(kind, 0, "kind " + kind + " is not one Plumbline reads from "
            + "clusters (it does not know which API serves it), not read"));
      }
    }
    for (ApiKind kind : ApiKinds.all()) {
      if (!kinds.contains(kind.kind())) {
        continue;
      }
      if (kind.namespaced() && !namespaces.isEmpty()) {
        for (String ns : new TreeSet<>(namespaces)) {
          if (!list(kind, ns, resources, errors, notes)) {
            break;
          }
        }
      } else {
        list(kind, null, resources, errors, notes);
      }
    }
    return new Result(resources, errors, notes);
  }

  /**
   * Lists one collection, page by page.
   *
   * @return false when the server does not serve the kind at all (no other namespace will do)
   */
  private boolean list(ApiKind kind, String namespace, List<Resource> out,
      List<InputError> errors, List<InputNote> notes) throws ClusterException {
    String path = kind.path(namespace);
    int start = out.size();
    boolean restarted = false;
    String token = null;
    while (true) {
      String query = "?limit=" + pageSize + (token == null ? ""
          : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
      HttpResponse<InputStream> response = get(path + query, accept(kind));
      String problem;
      try (InputStream body = response.body()) {
        int code = response.code();
        if (code == 200) {
          token = ListPage.read(body, kind, object -> out.add(resourceOf(object)))
              .continueToken();
          if (token == null) {
            return true;
          }
          continue;
        }
        Status status = Status.of(body);
        if (code == 401) {
          throw new ClusterException("the Kubernetes API server at " + server()
              + " rejected the credentials (401 Unauthorized): check the kubeconfig user or "
              + "the service-account token" + status.detail());
        }
        if (code == 404) {
          notes.add(new InputNote(path, 0, kind.kind() + " (" + kind.apiVersion()
              + ") is not served by this cluster, not read"));
          return false;
        }
        if (code == 410 && token != null && !restarted) {
          // The continue token expired (the list took longer than the server keeps it): read
          // this collection again from a fresh snapshot.
          out.subList(start, out.size()).clear();
          restarted = true;
          token = null;
          continue;
        }
        problem = switch (code) {
          case 403 -> "forbidden: the credentials lack the RBAC verb 'list' on resource '"
              + kind.plural() + "' in API group " + kind.rbacGroup()
              + (namespace != null ? " in namespace " + namespace
                  : kind.namespaced() ? " in all namespaces" : "")
              + " (Plumbline needs get, list and watch; see docs/cluster-scanning.md)";
          case 406 -> "the server cannot list it as metadata only (406 Not Acceptable), and "
              + "Secret values are never requested";
          case 410 -> "the list expired (410 Gone), even when read again";
          default -> "the server answered " + code;
        } + status.detail();
      } catch (IOException | JacksonException | IllegalArgumentException e) {
        problem = "the response could not be read: " + message(e);
      }
      out.subList(start, out.size()).clear();
      errors.add(new InputError(path, 0, kind.kind() + " not read: " + problem));
      return true;
    }
  }

  private static String accept(ApiKind kind) {
    return kind.kind().equals("Secret") && kind.group().isEmpty() ? METADATA_ONLY
        : "application/json";
  }

  private static Resource resourceOf(Map<String, Object> object) {
    String resourceVersion = object.get("metadata") instanceof Map<?, ?> m
        && m.get("resourceVersion") instanceof String s ? s : null;
    return Resource.of(object, Origin.live(resourceVersion));
  }

  private HttpResponse<InputStream> get(String pathAndQuery, String accept)
      throws ClusterException {
    String url = server() + pathAndQuery;
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
        .uri(url)
        .header("Accept", accept)
        .build();
    try {
      return client.getHttpClient().sendAsync(request, InputStream.class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterException("interrupted while reading " + url, e);
    } catch (ExecutionException e) {
      throw unreachable(e.getCause() == null ? e : e.getCause());
    } catch (RuntimeException e) {
      throw unreachable(e);
    }
  }

  private ClusterException unreachable(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause
        && (cause.getMessage() == null || cause instanceof java.util.concurrent.CompletionException)) {
      cause = cause.getCause();
    }
    return new ClusterException("cannot reach the Kubernetes API server at " + server() + ": "
        + message(cause), e);
  }

  /** The server URL without a trailing slash. */
  private String server() {
    String url = client.getConfiguration().getMasterUrl();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
  }

  /** What a Kubernetes Status body says, if the body is one. */
  private record Status(String reason, String message) {
    static Status of(InputStream body) {
      try {
        byte[] head = body.readNBytes(64 * 1024);
        if (ListPage.readValue(new String(head, StandardCharsets.UTF_8)) instanceof Map<?, ?> m) {
          return new Status(m.get("reason") instanceof String r ? r : null,
              m.get("message") instanceof String s ? s : null);
        }
      } catch (IOException | RuntimeException e) {
        // not a Status: the code alone has to do
      }
      return new Status(null, null);
    }

    /** {@code ": the server's message"}, or nothing. */
    String detail() {
      return message == null || message.isBlank() ? "" : "; the server said: " + message;
    }
  }
}
