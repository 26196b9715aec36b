package dev.plumbline.store;

import dev.plumbline.control.Control;
import dev.plumbline.control.Library;
import dev.plumbline.exceptions.PolicyException;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import dev.plumbline.scan.Finding;
import dev.plumbline.scan.Suppressed;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** Findings of the store tests' small library ({@code src/test/resources/library}). */
final class Fixtures {
  static final Library LIBRARY = Library.load(Path.of("src/test/resources/library"));
  static final String PRIVILEGED = "test-privileged";
  static final String HOST_NETWORK = "test-host-network";
  static final String LATEST = "test-latest-tag";
  static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

  private Fixtures() {}

  static Instant t(int minutes) {
    return T0.plusSeconds(60L * minutes);
  }

  static ResourceRef pod(String namespace, String name) {
    return new ResourceRef("v1", "Pod", namespace, name);
  }

  static ResourceRef deployment(String namespace, String name) {
    return new ResourceRef("apps/v1", "Deployment", namespace, name);
  }

  static Control control(String id) {
    return LIBRARY.control(id);
  }

  /** A finding of a control on a live resource. */
  static Finding finding(String controlId, ResourceRef resource, String path, Object value) {
    return finding(controlId, resource, path, value, "problem at " + path, Origin.live("100"));
  }

  static Finding finding(String controlId, ResourceRef resource, String path, Object value,
      String message, Origin origin) {
    Control c = control(controlId);
    FieldPath p = FieldPath.parse(path);
    return new Finding(Finding.idOf(controlId, resource, p), c, c.severity(), resource, p, value,
        message, origin, origin.isFile() ? origin.line() + 3 : 0, FieldPath.ROOT, List.of());
  }

  static Finding privileged(ResourceRef resource, int container) {
    return finding(PRIVILEGED, resource,
        "spec.containers[" + container + "].securityContext.privileged", true);
  }

  static Finding hostNetwork(ResourceRef resource) {
    return finding(HOST_NETWORK, resource, "spec.hostNetwork", true);
  }

  static Finding latest(ResourceRef resource, int container) {
    return finding(LATEST, resource, "spec.containers[" + container + "].image", "nginx:latest");
  }

  static Suppressed suppressed(Finding f, String exceptionId) {
    return new Suppressed(f, new PolicyException(exceptionId, List.of(f.controlId()), List.of(),
        List.of(), List.of(), Map.of(), "accepted", "team", LocalDate.of(2030, 1, 1),
        "store:" + exceptionId, 0));
  }

  static List<String> ids(List<StoredFinding> findings) {
    return findings.stream().map(StoredFinding::id).toList();
  }
}
