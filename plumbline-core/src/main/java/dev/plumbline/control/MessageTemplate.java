package dev.plumbline.control;

import dev.plumbline.resource.FieldPath;
import java.util.ArrayList;
import java.util.List;

/**
 * A finding message with placeholders: {@code {container.name}} (any variable of the target,
 * followed by a field path), {@code {value}} (the offending value) and {@code {path}} (the
 * offending field). Placeholders are checked when the library loads.
 */
final class MessageTemplate {
  private record Part(String text, String variable, FieldPath path) {}

  private final List<Part> parts;

  private MessageTemplate(List<Part> parts) {
    this.parts = parts;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException for an unknown variable, a bad path or an unclosed brace
   */
  static MessageTemplate parse(String template, Target target) {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < template.length()) {
      int open = template.indexOf('{', i);
      if (open < 0) {
        parts.add(new Part(template.substring(i), null, null));
        break;
      }
      if (open > i) {
        parts.add(new Part(template.substring(i, open), null, null));
      }
      int close = template.indexOf('}', open);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed '{' in message at " + open);
      }
      String placeholder = template.substring(open + 1, close).trim();
      FieldPath path = FieldPath.parse(placeholder);
      if (path.isRoot() || !(path.segments().get(0) instanceof String variable)) {
        throw new IllegalArgumentException("empty placeholder in message at " + open);
      }
      if (!variable.equals("value") && !variable.equals("path")
          && !ControlPaths.variables(target).contains(variable)) {
        throw new IllegalArgumentException("message placeholder {" + placeholder
            + "} names no variable of a " + target.label() + " target (known: value, path, "
            + String.join(", ", ControlPaths.variables(target)) + ")");
      }
      parts.add(new Part(null, variable,
          FieldPath.of(path.segments().subList(1, path.segments().size()).toArray())));
      i = close + 1;
    }
    return new MessageTemplate(parts);
  }

  String render(EvalContext context, Object value, FieldPath path) {
    StringBuilder sb = new StringBuilder();
    for (Part part : parts) {
      if (part.text != null) {
        sb.append(part.text);
      } else if (part.variable.equals("value")) {
        sb.append(Json.brief(part.path.lookup(value)));
      } else if (part.variable.equals("path")) {
        sb.append(path);
      } else {
        Object v = part.path.lookup(context.value(part.variable));
        sb.append(v == null ? "" : Json.brief(v));
      }
    }
    return sb.toString();
  }
}
