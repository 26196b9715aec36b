package dev.plumbline.control;

import dev.cel.runtime.CelEvaluationException;
import java.util.Map;

/**
 * A control's {@code when}: a CEL bool telling whether the control applies to a target at all
 * (this container is a kube-apiserver; this Service is of type LoadBalancer). A target it does not
 * apply to is not judged: it counts neither as a pass nor as a failure.
 *
 * <p>Controls often share a guard (the 29 API-server controls ask the same question), so results
 * are cached per target under the guard's expression: ask {@link #test} with the same cache for
 * every control of one target.
 */
public final class Guard {
  private final String expression;
  private final CelSupport.Program program;

  Guard(Target target, String expression) {
    this.expression = expression;
    this.program = CelSupport.get().compile(target, expression, CelSupport.Result.BOOL);
  }

  public String expression() {
    return expression;
  }

  /**
   * Whether the control applies to the target of {@code context}.
   *
   * @param cache results already known for this target, by expression (updated)
   * @throws EvaluationException when the expression fails or is not a bool
   */
  public boolean test(EvalContext context, Map<String, Boolean> cache)
      throws EvaluationException {
    Boolean known = cache.get(expression);
    if (known != null) {
      return known;
    }
    Object result;
    try {
      result = program.eval(context);
    } catch (CelEvaluationException e) {
      throw new EvaluationException("when: " + e.getMessage(), e);
    }
    if (!(result instanceof Boolean b)) {
      throw new EvaluationException("when returned " + result + ", not a bool", null);
    }
    cache.put(expression, b);
    return b;
  }
}
