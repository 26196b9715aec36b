package dev.plumbline.control;

import dev.plumbline.resource.FieldPath;

/**
 * What a control found wrong in one object.
 *
 * @param path the offending field, as a path in the object
 * @param value the offending value (null when the problem is a missing setting)
 * @param message what is wrong, for a person
 * @param targetPath where the control's target sits in the object: its remediation patch applies
 *     there
 */
public record Violation(FieldPath path, Object value, String message, FieldPath targetPath) {}
