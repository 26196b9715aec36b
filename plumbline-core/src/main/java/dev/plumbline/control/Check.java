package dev.plumbline.control;

import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelEvaluationException;
import dev.plumbline.resource.FieldPath;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One compiled variant of a control's logic: either a {@code check} (a bool that is true when the
 * target complies, with the {@code path} it is about) or {@code violations} (a list with one entry
 * per problem: {@code {"path": ..., "value": ..., "message": ...}}).
 */
final class Check {
  final PolicyVersion since;
  final String expression;
  final boolean listsViolations;
  final ControlPaths.Rooted path;
  final MessageTemplate message;
  private final CelSupport.Program program;
  private final Target target;

  Check(PolicyVersion since, String expression, boolean listsViolations, ControlPaths.Rooted path,
      MessageTemplate message, Target target) {
    this.since = since;
    this.expression = expression;
    this.listsViolations = listsViolations;
    this.path = path;
    this.message = message;
    this.target = target;
    this.program = CelSupport.get().compile(target, expression,
        listsViolations ? CelSupport.Result.LIST : CelSupport.Result.BOOL);
  }

  List<Violation> evaluate(EvalContext context) throws EvaluationException {
    Object result;
    try {
      result = program.eval(context);
    } catch (CelEvaluationException e) {
      throw new EvaluationException(e.getMessage(), e);
    }
    FieldPath targetPath = targetPath(context);
    if (!listsViolations) {
      if (!(result instanceof Boolean ok)) {
        throw new EvaluationException("check returned " + result + ", not a bool", null);
      }
      if (ok) {
        return List.of();
      }
      FieldPath full = path.resolve(context);
      Object value = path.valueIn(context);
      return List.of(new Violation(full, value, message.render(context, value, full), targetPath));
    }
    if (!(result instanceof List<?> list)) {
      throw new EvaluationException("violations returned " + result + ", not a list", null);
    }
    if (list.isEmpty()) {
      return List.of();
    }
    List<Violation> violations = new ArrayList<>(list.size());
    for (Object item : list) {
      String pathText;
      Map<?, ?> entry = null;
      if (item instanceof String s) {
        pathText = s;
      } else if (item instanceof Map<?, ?> m && m.get("path") instanceof String s) {
        pathText = s;
        entry = m;
      } else {
        throw new EvaluationException(
            "each violation must be a path or a map with a 'path', got " + item, null);
      }
      ControlPaths.Rooted rooted;
      try {
        rooted = ControlPaths.parse(pathText, target);
      } catch (IllegalArgumentException e) {
        throw new EvaluationException(e.getMessage(), e);
      }
      FieldPath full = rooted.resolve(context);
      Object value = entry != null && entry.containsKey("value") ? plain(entry.get("value"))
          : rooted.valueIn(context);
      String text = entry != null && entry.get("message") instanceof String s ? s
          : message.render(context, value, full);
      violations.add(new Violation(full, value, text, targetPath));
    }
    return violations;
  }

  /** A value a violation names, with CEL's null turned into Java's (also inside lists, maps). */
  static Object plain(Object value) {
    if (value instanceof NullValue) {
      return null;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(plain(v)));
      return copy;
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, plain(v)));
      return copy;
    }
    return value;
  }

  private FieldPath targetPath(EvalContext context) {
    return switch (target) {
      case CONTAINER -> context.pathOf("container");
      case POD -> context.pathOf("podSpec");
      case RESOURCE -> FieldPath.ROOT;
    };
  }
}
