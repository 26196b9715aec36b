package dev.plumbline.scan;

import dev.plumbline.control.Control;
import dev.plumbline.control.Severity;
import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.Origin;
import dev.plumbline.resource.ResourceRef;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * One problem: a control that a resource fails, with the evidence.
 *
 * @param id a stable id: the same control, resource (group, kind, namespace, name) and field give
 *     the same id in every scan, in every front end
 * @param control the control that found it
 * @param severity the effective severity (the control's, or the configuration's override)
 * @param resource the resource
 * @param path the offending field
 * @param value the offending value (null when a setting is missing)
 * @param message what is wrong
 * @param origin where the resource came from
 * @param line the line of the field in its file, 0 when not from a file
 * @param targetPath where the control's target sits: its remediation patch applies there
 * @param also controls this finding also stands for: they found the same problem on the same
 *     field, and {@code control} overrides them (sorted ids)
 * @param patchWithheld whether the control's {@code remediation.skipWhen} held for the target:
 *     its patch does not fit there (see {@link #patchable()})
 */
public record Finding(String id, Control control, Severity severity, ResourceRef resource,
    FieldPath path, Object value, String message, Origin origin, int line, FieldPath targetPath,
    List<String> also, boolean patchWithheld) {

  public Finding {
    also = List.copyOf(also);
  }

  /** A finding whose target takes the control's patch, if it has one. */
  public Finding(String id, Control control, Severity severity, ResourceRef resource,
      FieldPath path, Object value, String message, Origin origin, int line, FieldPath targetPath,
      List<String> also) {
    this(id, control, severity, resource, path, value, message, origin, line, targetPath, also,
        false);
  }

  /**
   * Whether the control's patch may be applied at {@link #targetPath()}: the control has a patch
   * and its {@code remediation.skipWhen} did not hold for this target. Every user of patches
   * (admission mutation, {@code plumbline fix} for files and for a cluster) asks this, and leaves
   * a finding that is not patchable for a person.
   */
  public boolean patchable() {
    return !patchWithheld && control.remediation().hasPatch();
  }

  /** This finding standing also for other controls. */
  Finding withAlso(List<String> controls) {
    return new Finding(id, control, severity, resource, path, value, message, origin, line,
        targetPath, controls, patchWithheld);
  }

  /** Whether this finding is the verdict of a control, itself or through {@link #also()}. */
  public boolean reports(String controlId) {
    return control.id().equals(controlId) || also.contains(controlId);
  }

  public String controlId() {
    return control.id();
  }

  /** The stable id of a finding. */
  public static String idOf(String controlId, ResourceRef resource, FieldPath path) {
    String key = controlId + "\n" + resource.group() + "\n" + resource.kind() + "\n"
        + resource.namespace() + "\n" + resource.name() + "\n" + path;
    byte[] digest = SHA_256.get().digest(key.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 8);
  }

  /** One digest per thread: looking the algorithm up for every finding cost as much as hashing. */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });
}
