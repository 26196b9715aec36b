package dev.plumbline.server;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.store.Posture;
import dev.plumbline.store.Scope;
import dev.plumbline.store.Store;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Findings of the built-in library, stored through {@link Store#reconcile}. */
final class Seed {
  static final Library LIBRARY = Library.builtIn();
  static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");
  static final String PRIVILEGED = "privileged-containers";
  static final String HOST = "host-namespaces";
  static final String TAGS = "mutable-image-tags";

  private Seed() {}

  static ResourceRef pod(String namespace, String name) {
    return new ResourceRef("v1", "Pod", namespace, name);
  }

  static ResourceRef deployment(String namespace, String name) {
    return new ResourceRef("apps/v1", "Deployment", namespace, name);
  }

  static Finding finding(String controlId, ResourceRef resource, String path, Object value) {
    Control c = LIBRARY.control(controlId);
    FieldPath p = FieldPath.parse(path);
    return new Finding(Finding.idOf(controlId, resource, p), c, c.severity(), resource, p, value,
        "problem at " + path, Origin.live("100"), 0, FieldPath.ROOT, List.of());
  }

  static Finding privileged(ResourceRef r) {
    return finding(PRIVILEGED, r, "spec.containers[0].securityContext.privileged", true);
  }

  static Finding host(ResourceRef r) {
    return finding(HOST, r, "spec.hostNetwork", true);
  }

  static Finding tags(ResourceRef r) {
    return finding(TAGS, r, "spec.containers[0].image", "nginx:latest");
  }

  /**
   * The small data set of the API tests, in cluster "prod" (and one finding in "staging"):
   * <ul>
   *   <li>web/front (Deployment): privileged (critical), latest tag</li>
   *   <li>web/api (Pod): host network (high... whatever the library says), latest tag</li>
   *   <li>batch/job (Pod): privileged; resolved at T0+10m</li>
   *   <li>kube-system/proxy (Pod): host network</li>
   * </ul>
   * and two posture snapshots.
   */
  static void small(Store store) {
    List<Finding> first = new ArrayList<>(List.of(
        privileged(deployment("web", "front")), tags(deployment("web", "front")),
        host(pod("web", "api")), tags(pod("web", "api")),
        privileged(pod("batch", "job")), host(pod("kube-system", "proxy"))));
    store.reconcile("prod", Scope.cluster(), first, T0);
    store.reconcile("prod", Scope.resources(pod("batch", "job")), List.of(),
        T0.plusSeconds(600));
    store.reconcile("staging", Scope.cluster(), List.of(tags(pod("web", "api"))), T0);
    store.recordSnapshot("prod", T0, new Posture(60, Map.of(), 0,
        Map.of("pss-baseline", new Posture.FrameworkPoint(50, 1, 1, 0, 0)),
        Map.of("web", Map.of())));
    store.recordSnapshot("prod", T0.plusSeconds(600), new Posture(70, Map.of(), 0,
        Map.of("pss-baseline", new Posture.FrameworkPoint(75, 3, 1, 0, 0)),
        Map.of("web", Map.of(dev.plumbline.control.Severity.CRITICAL, 1))));
  }
}
