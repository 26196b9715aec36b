package dev.plumbline.control;

import dev.plumbline.resource.FieldPath;

/**
 * One operation of a remediation patch, in JSON Patch (RFC 6902) terms, with its path relative to
 * the control's target (the container, the pod spec or the object).
 *
 * <p>One more operation is not JSON Patch: {@code flag}, for containers that run a Kubernetes
 * component, sets a command-line flag. Its {@code value} is the argument,
 * {@code --profiling=false}, and its path is the root: where it writes is worked out from the
 * container (see {@link Remediation}).
 *
 * @param op {@code add}, {@code replace}, {@code remove} or {@code flag}
 * @param path the field, relative to the target (the root for {@code flag})
 * @param value the value for {@code add} and {@code replace}, the argument for {@code flag}
 */
public record PatchOp(String op, FieldPath path, Object value) {
  /** For {@code flag}: the flag's name, {@code profiling} for {@code --profiling=false}. */
  public String flagName() {
    String arg = (String) value;
    return arg.substring(2, arg.indexOf('='));
  }

  /** For {@code flag}: the flag's value, {@code false} for {@code --profiling=false}. */
  public String flagValue() {
    String arg = (String) value;
    return arg.substring(arg.indexOf('=') + 1);
  }
}
