package dev.plumbline.resource;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The source line of every field of a parsed document.
 *
 * <p>Lines are kept beside the values rather than inside them, so the values stay plain
 * {@link Map}s and {@link List}s that CEL reads directly. Each map or list of the document has an
 * array with the line of each of its entries, in iteration order.
 */
final class LineIndex {
  /** An index that knows no lines: every lookup answers the fallback line. */
  static final LineIndex NONE = new LineIndex(new IdentityHashMap<>());

  private final IdentityHashMap<Object, int[]> childLines;

  LineIndex(IdentityHashMap<Object, int[]> childLines) {
    this.childLines = childLines;
  }

  /**
   * The line of the field at {@code path} under {@code root} (whose own line is
   * {@code rootLine}); when the field is missing, the line of its nearest present ancestor, so a
   * finding about a missing setting points at the object that should hold it.
   */
  int lineOf(Object root, int rootLine, FieldPath path) {
    int line = rootLine;
    Object current = root;
    for (Object segment : path.segments()) {
      int[] lines = childLines.get(current);
      if (segment instanceof String key && current instanceof Map<?, ?> map) {
        if (!map.containsKey(key)) {
          return line;
        }
        if (lines != null) {
          int i = 0;
          for (Object k : map.keySet()) {
            if (k.equals(key)) {
              if (i < lines.length && lines[i] > 0) {
                line = lines[i];
              }
              break;
            }
            i++;
          }
        }
        current = map.get(key);
      } else if (segment instanceof Integer index && current instanceof List<?> list
          && index >= 0 && index < list.size()) {
        if (lines != null && index < lines.length && lines[index] > 0) {
          line = lines[index];
        }
        current = list.get(index);
      } else {
        return line;
      }
    }
    return line;
  }
}
