package dev.plumbline.kube;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where the API server serves a kind: its group, version and resource (plural) name, and whether
 * its objects live in namespaces.
 */
record ApiKind(String kind, String group, String version, String plural, boolean namespaced) {

  /** {@code v1} for the core group, {@code apps/v1} otherwise. */
  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /**
   * The path of the collection, relative to the server URL: in one namespace, or across all of
   * them (and for cluster-scoped kinds) when {@code namespace} is null.
   */
  String path(String namespace) {
    String base = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    return namespaced && namespace != null
        ? base + "/namespaces/" + URLEncoder.encode(namespace, StandardCharsets.UTF_8) + "/"
            + plural
        : base + "/" + plural;
  }

  /** The API group as RBAC rules name it ({@code ""} for the core group). */
  String rbacGroup() {
    return "\"" + group + "\"";
  }
}
