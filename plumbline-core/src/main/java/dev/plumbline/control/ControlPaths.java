package dev.plumbline.control;

import dev.plumbline.resource.FieldPath;
import java.util.List;

/**
 * Paths as controls write them: rooted at a variable of the target,
 * {@code container.securityContext.privileged} or {@code podSpec.hostNetwork}.
 */
final class ControlPaths {
  private ControlPaths() {}

  /** A control path: the variable it starts from and the rest. */
  record Rooted(String variable, FieldPath rest) {
    FieldPath resolve(EvalContext context) {
      FieldPath base = context.pathOf(variable);
      return base == null ? rest : base.concat(rest);
    }

    Object valueIn(EvalContext context) {
      return rest.lookup(context.value(variable));
    }

    @Override
    public String toString() {
      FieldPath whole = FieldPath.of(variable).concat(rest);
      return whole.toString();
    }
  }

  /** The variables that stand for a part of the object, for a target. */
  static List<String> variables(Target target) {
    return switch (target) {
      case CONTAINER -> List.of("container", "podSpec", "podMetadata", "object");
      case POD -> List.of("podSpec", "podMetadata", "object");
      case RESOURCE -> List.of("object");
    };
  }

  /**
   * Parses a control path for a target.
   *
   * @throws IllegalArgumentException when it is malformed or starts with no variable of the target
   */
  static Rooted parse(String text, Target target) {
    FieldPath path = FieldPath.parse(text);
    if (path.isRoot() || !(path.segments().get(0) instanceof String variable)
        || !variables(target).contains(variable)) {
      throw new IllegalArgumentException("path '" + text + "' must start with one of "
          + String.join(", ", variables(target)) + " (the variables of a " + target.label()
          + " target)");
    }
    return new Rooted(variable,
        FieldPath.of(path.segments().subList(1, path.segments().size()).toArray()));
  }
}
