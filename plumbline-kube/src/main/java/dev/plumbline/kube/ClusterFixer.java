package dev.plumbline.kube;

import dev.plumbline.control.Control;
import dev.plumbline.control.Json;
import dev.plumbline.control.Remediation;
import dev.plumbline.fix.ManifestFixer;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.Resource;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.Scanner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import tools.jackson.databind.JsonNode;

/**
 * Fixes live objects: turns the remediation patches of a cluster scan's findings into one
 * strategic merge patch per object (the owning workload, never a Pod its controller would
 * recreate, nor a mirror pod: its static pod runs from a file on the node), and applies them on request, each after a server-side dry run
 * ({@code dryRun=All}) of the same patch succeeds.
 *
 * <p>Lists whose elements the API server merges by a key (containers, init and ephemeral
 * containers, volumes and env by {@code name}, volume mounts by {@code mountPath}, container
 * ports by {@code containerPort}) carry only the changed elements with their key; other lists
 * are replaced whole, as the API server replaces them.
 */
public final class ClusterFixer {
  /** Merge keys of the lists the API server merges element by element. */
  private static final Map<String, String> MERGE_KEYS = Map.of(
      "containers", "name", "initContainers", "name", "ephemeralContainers", "name",
      "volumes", "name", "env", "name", "volumeMounts", "mountPath", "ports", "containerPort");

  private static final String FIELD_MANAGER = "plumbline";

  /** One patch for one object, and the findings it fixes. */
  public record Patch(ResourceRef target, Map<String, Object> body, List<Finding> findings) {
    /** The patch as YAML, headed by a comment naming the object and the controls. */
    public String yaml() {
      List<String> controls = findings.stream().map(Finding::controlId).distinct().toList();
      return "# " + target.display() + ": " + String.join(", ", controls) + "\n"
          + ManifestFixer.toYaml(body);
    }

    /** The patch as one line of JSON. */
    public String json() {
      return Serialization.jsonMapper().writeValueAsString(body);
    }

    /** The {@code kubectl patch} command that applies it. */
    public String kubectl() {
      StringBuilder sb = new StringBuilder("kubectl patch ")
          .append(target.kind().toLowerCase(java.util.Locale.ROOT)).append(' ')
          .append(shell(target.name()));
      if (target.namespace() != null && !target.namespace().isEmpty()) {
        sb.append(" -n ").append(shell(target.namespace()));
      }
      return sb.append(" --type strategic -p ").append(shell(json())).toString();
    }
  }

  /** Why a mirror pod is not patched. */
  public static final String MIRROR = "a mirror pod: the kubelet runs the static pod from its "
      + "manifest file on the node (and the API server refuses changes to a pod's spec); fix the "
      + "file there, for example with plumbline fix /etc/kubernetes/manifests/";

  /** A finding no patch is made for, and why. */
  public record Left(Finding finding, String reason) {}

  /** The patches, in a stable order, and what is left for a person. */
  public record Plan(List<Patch> patches, List<Left> left) {}

  /** The result of applying one patch. */
  public record Applied(Patch patch, boolean ok, String message) {}

  private final KubernetesClient client;

  /** A fixer that uses the client's connection and credentials; it does not close the client. */
  public ClusterFixer(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Plans the patches for the findings of a cluster scan of {@code resources}.
   *
   * @param all whether to include patches not marked safe
   */
  public static Plan plan(List<Resource> resources, List<Finding> findings, boolean all) {
    Map<ResourceRef, Resource> byRef = new LinkedHashMap<>();
    resources.forEach(r -> byRef.putIfAbsent(r.ref(), r));
    Map<ResourceRef, List<Finding>> toFix = new LinkedHashMap<>();
    List<Left> left = new ArrayList<>();
    for (Finding f : findings) {
      Resource r = byRef.get(f.resource());
      if (!f.control().remediation().hasPatch()) {
        left.add(new Left(f, "no automatic fix"));
      } else if (r != null && Scanner.isMirrorPod(r)) {
        left.add(new Left(f, MIRROR));
      } else if (!f.patchable()) {
        left.add(new Left(f, Remediation.WITHHELD));
      } else if (!f.control().remediation().safe() && !all) {
        left.add(new Left(f, "the fix needs review: run with --all to include it"));
      } else if (r == null) {
        left.add(new Left(f, "the object was not read"));
      } else if (r.controller() != null) {
        ResourceRef owner = r.controller();
        left.add(new Left(f, "managed by " + owner.kind() + " " + owner.name()
            + ": fix its owner, a patch here would be undone"));
      } else if (ApiKinds.of(r.kind()) == null) {
        left.add(new Left(f, "Plumbline does not know where the API serves " + r.kind()));
      } else {
        toFix.computeIfAbsent(r.ref(), k -> new ArrayList<>()).add(f);
      }
    }
    List<Patch> patches = new ArrayList<>();
    for (Map.Entry<ResourceRef, List<Finding>> e : toFix.entrySet()) {
      Resource r = byRef.get(e.getKey());
      @SuppressWarnings("unchecked")
      Map<String, Object> desired = (Map<String, Object>) Json.deepCopy(r.object());
      Map<String, List<FieldPath>> targets = new LinkedHashMap<>();
      Map<String, Control> controls = new LinkedHashMap<>();
      for (Finding f : e.getValue()) {
        List<FieldPath> t = targets.computeIfAbsent(f.controlId(), k -> new ArrayList<>());
        if (!t.contains(f.targetPath())) {
          t.add(f.targetPath());
        }
        controls.put(f.controlId(), f.control());
      }
      try {
        targets.forEach((id, t) -> controls.get(id).remediation().applyInPlace(desired, t));
      } catch (IllegalArgumentException ex) {
        e.getValue().forEach(f -> left.add(new Left(f, "the patch does not fit: "
            + ex.getMessage())));
        continue;
      }
      Map<String, Object> body = diff(r.object(), desired);
      if (!body.isEmpty()) {
        patches.add(new Patch(r.ref(), body, List.copyOf(e.getValue())));
      }
    }
    patches.sort(Comparator.comparing(Patch::target));
    return new Plan(patches, left);
  }

  /** The strategic merge patch that turns {@code before} into {@code after}. */
  static Map<String, Object> diff(Map<?, ?> before, Map<?, ?> after) {
    Map<String, Object> patch = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : after.entrySet()) {
      String key = (String) e.getKey();
      Object was = before.get(key);
      Object now = e.getValue();
      if (!before.containsKey(key)) {
        patch.put(key, Json.deepCopy(now));
      } else if (!Objects.equals(was, now)) {
        if (was instanceof Map<?, ?> a && now instanceof Map<?, ?> b) {
          patch.put(key, diff(a, b));
        } else if (was instanceof List<?> a && now instanceof List<?> b
            && MERGE_KEYS.containsKey(key) && keyed(a, MERGE_KEYS.get(key))
            && keyed(b, MERGE_KEYS.get(key))) {
          patch.put(key, diffList(a, b, MERGE_KEYS.get(key)));
        } else {
          patch.put(key, Json.deepCopy(now));
        }
      }
    }
    for (Object key : before.keySet()) {
      if (!after.containsKey(key)) {
        patch.put((String) key, null);
      }
    }
    return patch;
  }

  private static List<Object> diffList(List<?> before, List<?> after, String mergeKey) {
    List<Object> patch = new ArrayList<>();
    for (Object o : after) {
      Map<?, ?> b = (Map<?, ?>) o;
      Map<?, ?> a = find(before, mergeKey, b.get(mergeKey));
      if (a == null) {
        patch.add(Json.deepCopy(b));
      } else if (!a.equals(b)) {
        Map<String, Object> element = new LinkedHashMap<>();
        element.put(mergeKey, b.get(mergeKey));
        element.putAll(diff(a, b));
        patch.add(element);
      }
    }
    for (Object o : before) {
      Map<?, ?> a = (Map<?, ?>) o;
      if (find(after, mergeKey, a.get(mergeKey)) == null) {
        Map<String, Object> delete = new LinkedHashMap<>();
        delete.put(mergeKey, a.get(mergeKey));
        delete.put("$patch", "delete");
        patch.add(delete);
      }
    }
    return patch;
  }

  private static boolean keyed(List<?> list, String mergeKey) {
    List<Object> seen = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof Map<?, ?> m) || m.get(mergeKey) == null || seen.contains(m.get(mergeKey))) {
        return false;
      }
      seen.add(m.get(mergeKey));
    }
    return true;
  }

  private static Map<?, ?> find(List<?> list, String mergeKey, Object value) {
    for (Object o : list) {
      if (o instanceof Map<?, ?> m && Objects.equals(m.get(mergeKey), value)) {
        return m;
      }
    }
    return null;
  }

  /**
   * Applies a patch: first as a server-side dry run, then, when the server accepts it, for
   * real. Never throws for a rejected patch: the result says what the server answered.
   */
  public Applied apply(Patch patch) {
    ApiKind kind = ApiKinds.of(patch.target().kind());
    String path = kind.path(patch.target().namespace()) + "/"
        + URLEncoder.encode(patch.target().name(), StandardCharsets.UTF_8);
    String json = patch.json();
    Answer dry = send(path + "?dryRun=All&fieldManager=" + FIELD_MANAGER, json);
    if (!dry.ok()) {
      return new Applied(patch, false, "the server's dry run rejected the patch, not applied: "
          + dry.message());
    }
    Answer real = send(path + "?fieldManager=" + FIELD_MANAGER, json);
    return real.ok() ? new Applied(patch, true, "patched")
        : new Applied(patch, false, "the dry run passed but the patch failed: "
            + real.message());
  }

  private record Answer(boolean ok, String message) {}

  private Answer send(String pathAndQuery, String json) {
    String url = server() + pathAndQuery;
    HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
        .uri(url)
        .header("Accept", "application/json")
        .method("PATCH", "application/strategic-merge-patch+json", json)
        .build();
    try {
      HttpResponse<String> response = client.getHttpClient().sendAsync(request, String.class)
          .get();
      if (response.isSuccessful()) {
        return new Answer(true, "");
      }
      return new Answer(false, response.code() + " " + statusMessage(response.body()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(false, "interrupted");
    } catch (ExecutionException | RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return new Answer(false, "cannot reach the API server at " + server() + ": "
          + (cause.getMessage() == null ? cause.getClass().getSimpleName()
              : cause.getMessage()));
    }
  }

  private static String statusMessage(String body) {
    if (body == null || body.isBlank()) {
      return "(no message)";
    }
    try {
      JsonNode status = Serialization.jsonMapper().readTree(body);
      JsonNode message = status.get("message");
      return message != null && message.isString() ? message.asString() : body.strip();
    } catch (RuntimeException e) {
      return body.strip();
    }
  }

  private String server() {
    String url = client.getConfiguration().getMasterUrl();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** A word for a POSIX shell, single-quoted unless it is plain. */
  static String shell(String word) {
    if (word.matches("[A-Za-z0-9._/:=@%+-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
