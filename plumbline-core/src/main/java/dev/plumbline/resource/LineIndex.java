package dev.plumbline.resource;

import java.util.List;
import java.util.Map;

/**
 * Finds the source line of a field of a parsed document: the maps and lists the parser builds
 * ({@link Lined}) carry the line of each of their entries.
 */
final class LineIndex {
  /** An index that knows no lines: every lookup answers the fallback line. */
  static final LineIndex NONE = new LineIndex(false);
  /** Reads the lines the parser recorded in its maps and lists. */
  static final LineIndex LINED = new LineIndex(true);

  private final boolean lined;

  private LineIndex(boolean lined) {
    this.lined = lined;
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
      int[] lines = lined && current instanceof Lined l ? l.lines() : null;
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
