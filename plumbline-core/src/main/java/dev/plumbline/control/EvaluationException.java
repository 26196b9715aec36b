package dev.plumbline.control;

/**
 * A control could not be evaluated against an object, typically because a field has a type the
 * Kubernetes API would reject ({@code privileged: "maybe"}). It is reported as an input error,
 * never as a finding or a pass.
 */
public final class EvaluationException extends Exception {
  private static final long serialVersionUID = 1L;

  public EvaluationException(String message, Throwable cause) {
    super(message, cause);
  }
}
