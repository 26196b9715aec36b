package dev.plumbline.fix;

import dev.plumbline.fix.YamlTree.Mapping;
import dev.plumbline.fix.YamlTree.Node;
import dev.plumbline.fix.YamlTree.Scalar;
import dev.plumbline.fix.YamlTree.Sequence;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * Turns the difference between a document as read and as it should be into edits of its text,
 * leaving every other character alone: a changed scalar is replaced where it stands, a new key
 * is inserted after the last entry of its mapping at that mapping's indentation (or before the
 * closing brace of a flow mapping), a removed key takes its line with it, and a list is edited
 * item by item while its length stays the same; items appended to a list follow its last item,
 * at its items' indentation (or before the closing bracket of a flow list).
 */
final class TextEditor {
  private record Edit(int start, int end, String text) {}

  /** Where a node sits: what holds it. */
  private record Parent(Mapping mapping, int entry, int indent) {
    static final Parent OTHER = new Parent(null, -1, 0);
  }

  /** Strings written plain: names and paths, and command-line flags ({@code --profiling=false}). */
  private static final Pattern PLAIN = Pattern.compile(
      "[A-Za-z/][A-Za-z0-9_./-]*|--[A-Za-z0-9][A-Za-z0-9_./=-]*");
  private static final Set<String> YAML11_WORDS = Set.of("y", "n", "yes", "no", "true", "false",
      "on", "off", "null");

  private final String text;
  private final String newline;
  private final List<Edit> edits = new ArrayList<>();
  private int step = 2;

  TextEditor(String text) {
    this.text = text;
    int lf = text.indexOf('\n');
    this.newline = lf > 0 && text.charAt(lf - 1) == '\r' ? "\r\n" : "\n";
  }

  /** Plans the edits that turn {@code before} into {@code after} in one document. */
  void change(YamlTree.Document document, Object before, Object after) {
    if (Objects.equals(before, after)) {
      return;
    }
    if (document.unsafe() != null) {
      throw new Uneditable(document.unsafe(), document.unsafeLine());
    }
    if (document.root() == null) {
      throw new Uneditable("empty document", document.line());
    }
    step = stepOf(document.root());
    diff(document.root(), before, after, Parent.OTHER);
  }

  /** The text with every planned edit made. */
  String result() {
    List<Edit> sorted = new ArrayList<>(edits);
    sorted.sort(Comparator.comparingInt(Edit::start).thenComparingInt(Edit::end));
    StringBuilder sb = new StringBuilder(text.length() + 256);
    int cursor = 0;
    for (Edit e : sorted) {
      if (e.start() < cursor) {
        throw new Uneditable("two changes overlap", lineOf(e.start()));
      }
      sb.append(text, cursor, e.start()).append(e.text());
      cursor = e.end();
    }
    sb.append(text, cursor, text.length());
    return sb.toString();
  }

  private void diff(Node node, Object before, Object after, Parent parent) {
    if (Objects.equals(before, after)) {
      return;
    }
    if (node instanceof Mapping m && before instanceof Map<?, ?> b && after instanceof Map<?, ?> a) {
      if (m.keys.size() != b.size() || m.values.size() != b.size()) {
        throw new Uneditable("the mapping's shape does not match its value", lineOf(m.start));
      }
      int indent = m.flow || m.keys.isEmpty() ? 0 : column(m.keys.get(0).start);
      int i = 0;
      List<Integer> removed = new ArrayList<>();
      for (Map.Entry<?, ?> e : b.entrySet()) {
        if (!a.containsKey(e.getKey())) {
          removed.add(i);
        } else {
          diff(m.values.get(i), e.getValue(), a.get(e.getKey()), new Parent(m, i, indent));
        }
        i++;
      }
      List<Map.Entry<?, ?>> added = new ArrayList<>();
      for (Map.Entry<?, ?> e : a.entrySet()) {
        if (!b.containsKey(e.getKey())) {
          added.add(e);
        }
      }
      if (removed.size() == b.size()) {
        replace(m, after, parent);
        return;
      }
      if (!removed.isEmpty()) {
        remove(m, removed);
      }
      if (!added.isEmpty()) {
        add(m, added);
      }
      return;
    }
    if (node instanceof Sequence q && before instanceof List<?> b && after instanceof List<?> a
        && b.size() == a.size() && q.items.size() == b.size()) {
      for (int i = 0; i < b.size(); i++) {
        diff(q.items.get(i), b.get(i), a.get(i), Parent.OTHER);
      }
      return;
    }
    if (node instanceof Sequence q && before instanceof List<?> b && after instanceof List<?> a
        && !b.isEmpty() && a.size() > b.size() && q.items.size() == b.size()) {
      // items appended (a flag added to a command): the others are edited where they stand
      for (int i = 0; i < b.size(); i++) {
        diff(q.items.get(i), b.get(i), a.get(i), Parent.OTHER);
      }
      append(q, a.subList(b.size(), a.size()));
      return;
    }
    replace(node, after, parent);
  }

  /** Adds items after the last item of a non-empty sequence, in its style. */
  private void append(Sequence q, List<?> items) {
    Node last = q.items.get(q.items.size() - 1);
    if (q.flow) {
      StringBuilder sb = new StringBuilder();
      for (Object item : items) {
        sb.append(", ").append(flow(item));
      }
      edits.add(new Edit(last.end, last.end, sb.toString()));
      return;
    }
    Node first = q.items.get(0);
    int dash = first.start - 1;
    while (dash >= 0 && text.charAt(dash) == ' ') {
      dash--;
    }
    if (dash < 0 || text.charAt(dash) != '-' || !blank(lineStart(dash), dash)) {
      throw new Uneditable("cannot tell where the items of the list start", lineOf(first.start));
    }
    if (last instanceof Scalar s && (s.style == ScalarStyle.LITERAL
        || s.style == ScalarStyle.FOLDED)) {
      throw new Uneditable("the list ends with a block scalar (| or >)", lineOf(s.start));
    }
    String lines = block(items, column(dash));
    int at = lineEnd(last.end);
    if (at == text.length() && !endsWithNewline()) {
      edits.add(new Edit(at, at, newline + lines.substring(0, lines.length()
          - newline.length())));
    } else {
      edits.add(new Edit(at, at, lines));
    }
  }

  /** Replaces a whole value. */
  private void replace(Node node, Object value, Parent parent) {
    boolean scalarValue = !(value instanceof Map<?, ?>) && !(value instanceof List<?>);
    if (node instanceof Scalar s) {
      if (s.style == ScalarStyle.LITERAL || s.style == ScalarStyle.FOLDED) {
        throw new Uneditable("the value to change is a block scalar (| or >)", lineOf(s.start));
      }
      boolean empty = s.start == s.end;
      if (parent.mapping() != null && !parent.mapping().flow && !scalarValue) {
        // key: null  ->  key:\n  child: ...
        Scalar key = parent.mapping().keys.get(parent.entry());
        if (!empty) {
          edits.add(new Edit(s.start, s.end, ""));
        }
        int at = lineEnd(empty ? colonAfter(key) : s.end);
        edits.add(new Edit(at, at, (at == text.length() && !endsWithNewline() ? newline : "")
            + block(value, parent.indent() + step)));
        return;
      }
      String emitted = flow(value);
      if (empty) {
        Scalar key = parent.mapping() != null ? parent.mapping().keys.get(parent.entry()) : null;
        if (key == null) {
          throw new Uneditable("cannot place a value in an empty node", lineOf(s.start));
        }
        int at = colonAfter(key);
        edits.add(new Edit(at, at, " " + emitted));
      } else {
        edits.add(new Edit(s.start, s.end, emitted));
      }
      return;
    }
    boolean flowNode = node instanceof Mapping m ? m.flow : ((Sequence) node).flow;
    int from = lineStart(node.start);
    if (flowNode || parent.mapping() == null || parent.mapping().flow
        || !blank(from, node.start)) {
      edits.add(new Edit(node.start, node.end, flow(value)));
      return;
    }
    // a block collection under a key: its lines go, the new value takes their place
    int to = lineEnd(node.end);
    boolean lastLine = to == text.length() && !endsWithNewline();
    if (scalarValue || (value instanceof Map<?, ?> map && map.isEmpty())
        || (value instanceof List<?> list && (list.isEmpty() || scalars(list)))) {
      Scalar key = parent.mapping().keys.get(parent.entry());
      int colon = colonAfter(key);
      edits.add(new Edit(colon, colon, " " + flow(value)));
      // the break before the block's lines goes with them when the file ends there
      edits.add(new Edit(lastLine ? from - newlineBefore(from) : from, to, ""));
      return;
    }
    String lines = block(value, column(node.start));
    edits.add(new Edit(from, to, lastLine ? lines.substring(0, lines.length()
        - newline.length()) : lines));
  }

  private int newlineBefore(int offset) {
    if (offset >= 2 && text.startsWith("\r\n", offset - 2)) {
      return 2;
    }
    return offset >= 1 && text.charAt(offset - 1) == '\n' ? 1 : 0;
  }

  /** Removes some entries (not all) of a mapping. */
  private void remove(Mapping m, List<Integer> removed) {
    int n = m.keys.size();
    int firstKept = 0;
    while (removed.contains(firstKept)) {
      firstKept++;
    }
    boolean leading = m.flow || !blank(lineStart(m.keys.get(0).start), m.keys.get(0).start);
    for (int i : removed) {
      Scalar key = m.keys.get(i);
      Node value = m.values.get(i);
      if (i < firstKept && leading) {
        // before the first entry kept, on the line of a '- ' or '{': up to the next key
        edits.add(new Edit(key.start, m.keys.get(i + 1).start, ""));
      } else if (m.flow) {
        edits.add(new Edit(m.values.get(i - 1).end, value.end, ""));
      } else {
        int from = lineStart(key.start);
        if (!blank(from, key.start)) {
          throw new Uneditable("cannot remove the key " + key.text + " from its line",
              lineOf(key.start));
        }
        edits.add(new Edit(from, lineEnd(value.end), ""));
      }
    }
  }

  /** Adds entries after the last entry of a mapping. */
  private void add(Mapping m, List<Map.Entry<?, ?>> entries) {
    if (m.flow) {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<?, ?> e : entries) {
        if (sb.length() > 0 || !m.keys.isEmpty()) {
          sb.append(", ");
        }
        sb.append(key(e.getKey())).append(": ").append(flow(e.getValue()));
      }
      int at = m.keys.isEmpty() ? m.start + 1 : m.values.get(m.values.size() - 1).end;
      edits.add(new Edit(at, at, sb.toString()));
      return;
    }
    int indent = column(m.keys.get(0).start);
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<?, ?> e : entries) {
      sb.append(entry(e.getKey(), e.getValue(), indent));
    }
    int at = lineEnd(m.values.get(m.values.size() - 1).end);
    if (at == text.length() && !endsWithNewline()) {
      // the file ends without a line break: the new lines go after one, and end without one
      String lines = sb.substring(0, sb.length() - newline.length());
      edits.add(new Edit(at, at, newline + lines));
    } else {
      edits.add(new Edit(at, at, sb.toString()));
    }
  }

  /** One block mapping entry, ending with a line break. */
  private String entry(Object key, Object value, int indent) {
    StringBuilder sb = new StringBuilder();
    sb.append(" ".repeat(indent)).append(key(key)).append(':');
    if (value instanceof Map<?, ?> map && !map.isEmpty()) {
      sb.append(newline).append(block(value, indent + step));
    } else if (value instanceof List<?> list && !list.isEmpty() && !scalars(list)) {
      sb.append(newline).append(block(value, indent + step));
    } else {
      sb.append(' ').append(flow(value)).append(newline);
    }
    return sb.toString();
  }

  /** A map or a list of maps as block lines at {@code indent}, each ending with a break. */
  String block(Object value, int indent) {
    StringBuilder sb = new StringBuilder();
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        sb.append(entry(e.getKey(), e.getValue(), indent));
      }
    } else if (value instanceof List<?> list) {
      for (Object item : list) {
        if (item instanceof Map<?, ?> map && !map.isEmpty()) {
          String inner = block(map, indent + 2);
          sb.append(" ".repeat(indent)).append("- ").append(inner.substring(indent + 2));
        } else {
          sb.append(" ".repeat(indent)).append("- ").append(flow(item)).append(newline);
        }
      }
    } else {
      sb.append(" ".repeat(indent)).append(flow(value)).append(newline);
    }
    return sb.toString();
  }

  /** A value in flow style, on one line. */
  static String flow(Object value) {
    if (value instanceof Map<?, ?> map) {
      StringBuilder sb = new StringBuilder("{");
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (sb.length() > 1) {
          sb.append(", ");
        }
        sb.append(key(e.getKey())).append(": ").append(flow(e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (value instanceof List<?> list) {
      StringBuilder sb = new StringBuilder("[");
      for (Object item : list) {
        if (sb.length() > 1) {
          sb.append(", ");
        }
        sb.append(flow(item));
      }
      return sb.append(']').toString();
    }
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return string(s);
    }
    return value.toString();
  }

  private static String key(Object key) {
    return string(String.valueOf(key));
  }

  /** A string, plain when YAML 1.1 reads it back as the same string, else double-quoted. */
  static String string(String s) {
    if (PLAIN.matcher(s).matches() && !YAML11_WORDS.contains(s.toLowerCase(java.util.Locale.ROOT))) {
      return s;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append(String.format("\\x%02x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }

  private static boolean scalars(List<?> list) {
    for (Object o : list) {
      if (o instanceof Map<?, ?> || o instanceof List<?>) {
        return false;
      }
    }
    return true;
  }

  /** The indentation step of a document: how far its first nested block mapping is indented. */
  private int stepOf(Node root) {
    if (root instanceof Mapping m && !m.flow && !m.keys.isEmpty()) {
      int base = column(m.keys.get(0).start);
      for (Node v : m.values) {
        if (v instanceof Mapping c && !c.flow && !c.keys.isEmpty()) {
          int d = column(c.keys.get(0).start) - base;
          if (d > 0) {
            return d;
          }
        }
      }
    }
    return 2;
  }

  /** The offset just after the ':' that follows a key. */
  private int colonAfter(Scalar key) {
    int i = key.end;
    while (i < text.length() && text.charAt(i) != ':') {
      i++;
    }
    return Math.min(i + 1, text.length());
  }

  private boolean endsWithNewline() {
    return text.endsWith("\n");
  }

  private int lineStart(int offset) {
    int i = offset;
    while (i > 0 && text.charAt(i - 1) != '\n') {
      i--;
    }
    return i;
  }

  /** The offset after the line break of the line holding the character before {@code offset}. */
  private int lineEnd(int offset) {
    if (offset > 0 && text.charAt(offset - 1) == '\n') {
      return offset;
    }
    int lf = text.indexOf('\n', offset);
    return lf < 0 ? text.length() : lf + 1;
  }

  private int column(int offset) {
    return offset - lineStart(offset);
  }

  private boolean blank(int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.charAt(i) != ' ') {
        return false;
      }
    }
    return true;
  }

  int lineOf(int offset) {
    int line = 1;
    for (int i = 0; i < offset && i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }
}
