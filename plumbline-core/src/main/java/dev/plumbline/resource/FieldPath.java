package dev.plumbline.resource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A path to a field inside a resource: map keys and list indexes.
 *
 * <p>Its text form is the one {@code kubectl explain} and Pod Security Admission messages use:
 * {@code spec.containers[0].securityContext.privileged}. Keys that are not plain identifiers are
 * quoted: {@code metadata.annotations['container.apparmor.security.beta.kubernetes.io/app']}.
 */
public final class FieldPath implements Comparable<FieldPath> {
  public static final FieldPath ROOT = new FieldPath(List.of());

  private final List<Object> segments;

  private FieldPath(List<Object> segments) {
    this.segments = segments;
  }

  public static FieldPath of(Object... segments) {
    List<Object> list = new ArrayList<>(segments.length);
    for (Object s : segments) {
      list.add(checkSegment(s));
    }
    return new FieldPath(Collections.unmodifiableList(list));
  }

  private static Object checkSegment(Object s) {
    if (s instanceof String || s instanceof Integer) {
      return s;
    }
    if (s instanceof Long l) {
      return Math.toIntExact(l);
    }
    throw new IllegalArgumentException("path segment must be a key or an index: " + s);
  }

  /** The segments: {@link String} keys and {@link Integer} indexes. */
  public List<Object> segments() {
    return segments;
  }

  public boolean isRoot() {
    return segments.isEmpty();
  }

  public FieldPath key(String key) {
    return append(key);
  }

  public FieldPath index(int index) {
    return append(index);
  }

  private FieldPath append(Object segment) {
    List<Object> list = new ArrayList<>(segments.size() + 1);
    list.addAll(segments);
    list.add(segment);
    return new FieldPath(Collections.unmodifiableList(list));
  }

  public FieldPath concat(FieldPath other) {
    if (other.segments.isEmpty()) {
      return this;
    }
    if (segments.isEmpty()) {
      return other;
    }
    List<Object> list = new ArrayList<>(segments.size() + other.segments.size());
    list.addAll(segments);
    list.addAll(other.segments);
    return new FieldPath(Collections.unmodifiableList(list));
  }

  public FieldPath parent() {
    if (segments.isEmpty()) {
      return this;
    }
    return new FieldPath(segments.subList(0, segments.size() - 1));
  }

  public boolean startsWith(FieldPath prefix) {
    return segments.size() >= prefix.segments.size()
        && segments.subList(0, prefix.segments.size()).equals(prefix.segments);
  }

  /** The value at this path, or null when any step is missing. */
  public Object lookup(Object root) {
    Object current = root;
    for (Object segment : segments) {
      if (segment instanceof String key && current instanceof Map<?, ?> map) {
        current = map.get(key);
      } else if (segment instanceof Integer i && current instanceof List<?> list
          && i >= 0 && i < list.size()) {
        current = list.get(i);
      } else {
        return null;
      }
    }
    return current;
  }

  /** The JSON Pointer (RFC 6901) form: {@code /spec/containers/0/image}. */
  public String toPointer() {
    StringBuilder sb = new StringBuilder();
    for (Object s : segments) {
      sb.append('/').append(s.toString().replace("~", "~0").replace("/", "~1"));
    }
    return sb.toString();
  }

  /**
   * Parses the text form. Accepts {@code a.b[0].c}, {@code a['x.y']} and {@code a["x"]}.
   *
   * @throws IllegalArgumentException naming the position of the problem
   */
  public static FieldPath parse(String text) {
    List<Object> list = new ArrayList<>();
    int i = 0;
    int n = text.length();
    boolean expectKey = true;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '.') {
        if (expectKey) {
          throw bad(text, i, "empty key");
        }
        expectKey = true;
        i++;
      } else if (c == '[') {
        int close;
        if (i + 1 < n && (text.charAt(i + 1) == '\'' || text.charAt(i + 1) == '"')) {
          char quote = text.charAt(i + 1);
          StringBuilder key = new StringBuilder();
          int j = i + 2;
          while (j < n && text.charAt(j) != quote) {
            if (text.charAt(j) == '\\' && j + 1 < n) {
              j++;
            }
            key.append(text.charAt(j));
            j++;
          }
          if (j + 1 >= n || text.charAt(j + 1) != ']') {
            throw bad(text, i, "unterminated quoted key");
          }
          list.add(key.toString());
          close = j + 1;
        } else {
          close = text.indexOf(']', i);
          if (close < 0) {
            throw bad(text, i, "missing ]");
          }
          try {
            list.add(Integer.parseInt(text.substring(i + 1, close)));
          } catch (NumberFormatException e) {
            throw bad(text, i, "index is not a number");
          }
        }
        expectKey = false;
        i = close + 1;
      } else {
        if (!expectKey) {
          throw bad(text, i, "expected '.' or '['");
        }
        int j = i;
        while (j < n && text.charAt(j) != '.' && text.charAt(j) != '[') {
          j++;
        }
        list.add(text.substring(i, j));
        expectKey = false;
        i = j;
      }
    }
    if (expectKey && !list.isEmpty()) {
      throw bad(text, n, "path ends with '.'");
    }
    return new FieldPath(Collections.unmodifiableList(list));
  }

  private static IllegalArgumentException bad(String text, int at, String why) {
    return new IllegalArgumentException("bad field path '" + text + "' at " + at + ": " + why);
  }

  /** {@code [A-Za-z_$][A-Za-z0-9_$-]*}: written without brackets. */
  private static boolean identifier(String key) {
    if (key.isEmpty()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_' || c == '$';
      if (!letter && (i == 0 || !(c >= '0' && c <= '9' || c == '-'))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Object s : segments) {
      if (s instanceof Integer i) {
        sb.append('[').append(i).append(']');
      } else {
        String key = (String) s;
        if (identifier(key)) {
          if (sb.length() > 0) {
            sb.append('.');
          }
          sb.append(key);
        } else {
          sb.append("['").append(key.replace("\\", "\\\\").replace("'", "\\'")).append("']");
        }
      }
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldPath p && p.segments.equals(segments);
  }

  @Override
  public int hashCode() {
    return segments.hashCode();
  }

  @Override
  public int compareTo(FieldPath o) {
    int n = Math.min(segments.size(), o.segments.size());
    for (int i = 0; i < n; i++) {
      Object a = segments.get(i);
      Object b = o.segments.get(i);
      int c;
      if (a instanceof Integer x && b instanceof Integer y) {
        c = Integer.compare(x, y);
      } else if (a instanceof String x && b instanceof String y) {
        c = x.compareTo(y);
      } else {
        c = a instanceof Integer ? -1 : 1;
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(segments.size(), o.segments.size());
  }
}
