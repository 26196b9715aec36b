package dev.plumbline.output;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Writes JSON trees as block-style YAML that every YAML reader reads back to the same tree,
 * including the YAML 1.1 readers Kubernetes uses (go-yaml v2 via sigs.k8s.io/yaml), where
 * {@code yes}, {@code on} and {@code y} are booleans and {@code 0777} is a number.
 *
 * <p>So a string is written plain only when it looks like an identifier and is none of YAML
 * 1.1's special words; every other string is double-quoted, with every character outside YAML's
 * printable set (and the YAML 1.1 line breaks U+0085, U+2028, U+2029) escaped. Strings are never
 * folded, so each stays on one line whatever its length.
 */
final class YamlEmitter {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z][A-Za-z0-9._/-]*");
  private static final Set<String> SPECIAL_WORDS = Set.of("y", "n", "yes", "no", "on", "off",
      "true", "false", "null");
  private static final String INDENT = "  ";

  private final Writer out;

  YamlEmitter(Writer out) {
    this.out = out;
  }

  /** Writes one document, starting with {@code ---}. */
  void document(JsonNode root) throws IOException {
    out.write("---\n");
    if (root.isObject() && !root.isEmpty()) {
      mapping(root, 0);
    } else if (root.isArray() && !root.isEmpty()) {
      sequence(root, 0);
    } else {
      out.write(scalar(root));
      out.write('\n');
    }
  }

  /** A mapping whose first key goes where the cursor is; the others on their own lines. */
  private void mapping(JsonNode node, int depth) throws IOException {
    boolean first = true;
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!first) {
        indent(depth);
      }
      first = false;
      out.write(string(e.getKey()));
      out.write(':');
      value(e.getValue(), depth);
    }
  }

  private void sequence(JsonNode node, int depth) throws IOException {
    boolean first = true;
    for (JsonNode item : node) {
      if (!first) {
        indent(depth);
      }
      first = false;
      out.write("- ");
      if (item.isObject() && !item.isEmpty()) {
        mapping(item, depth + 1);
      } else if (item.isArray() && !item.isEmpty()) {
        sequence(item, depth + 1);
      } else {
        out.write(scalar(item));
        out.write('\n');
      }
    }
  }

  /** The value after {@code key:}: a scalar on the same line, a collection below it. */
  private void value(JsonNode v, int depth) throws IOException {
    if (v.isObject() && !v.isEmpty()) {
      out.write('\n');
      indent(depth + 1);
      mapping(v, depth + 1);
    } else if (v.isArray() && !v.isEmpty()) {
      out.write('\n');
      indent(depth);
      sequence(v, depth);
    } else {
      out.write(' ');
      out.write(scalar(v));
      out.write('\n');
    }
  }

  private void indent(int depth) throws IOException {
    for (int i = 0; i < depth; i++) {
      out.write(INDENT);
    }
  }

  private static String scalar(JsonNode v) {
    if (v.isObject()) {
      return "{}";
    }
    if (v.isArray()) {
      return "[]";
    }
    if (v.isNull() || v.isMissingNode()) {
      return "null";
    }
    if (v.isString()) {
      return string(v.asString());
    }
    if (v.isNumber() || v.isBoolean()) {
      return v.toString();
    }
    return string(v.toString());
  }

  /** A string, plain when every YAML reader takes it for a string, else double-quoted. */
  static String string(String s) {
    if (PLAIN.matcher(s).matches() && !SPECIAL_WORDS.contains(s.toLowerCase(Locale.ROOT))) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        case '\r' -> sb.append("\\r");
        default -> {
          if (printable(cp)) {
            sb.appendCodePoint(cp);
          } else if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
            sb.append("\\uFFFD"); // a lone surrogate has no UTF-8 form
          } else {
            sb.append(String.format(Locale.ROOT, "\\u%04X", cp));
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  /** YAML's printable set, less the YAML 1.1 line breaks and the byte order mark. */
  private static boolean printable(int cp) {
    return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff && cp != 0x2028
        && cp != 0x2029) || (cp >= 0xe000 && cp <= 0xfffd && cp != 0xfeff) || cp >= 0x10000;
  }
}
