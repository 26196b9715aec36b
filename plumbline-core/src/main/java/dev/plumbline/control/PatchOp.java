package dev.plumbline.control;

import dev.plumbline.resource.FieldPath;

/**
 * One operation of a remediation patch, in JSON Patch (RFC 6902) terms, with its path relative to
 * the control's target (the container, the pod spec or the object).
 *
 * @param op {@code add}, {@code replace} or {@code remove}
 * @param path the field, relative to the target
 * @param value the value for {@code add} and {@code replace}
 */
public record PatchOp(String op, FieldPath path, Object value) {}
