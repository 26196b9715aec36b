package dev.plumbline.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Operations on plain JSON values (maps, lists, scalars). */
public final class Json {
  private Json() {}

  /** A copy that shares no map or list with the original. */
  public static Object deepCopy(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
      for (Map.Entry<?, ?> e : map.entrySet()) {
        copy.put(String.valueOf(e.getKey()), deepCopy(e.getValue()));
      }
      return copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object item : list) {
        copy.add(deepCopy(item));
      }
      return copy;
    }
    return value;
  }

  /**
   * The value without the map entries whose value is null, the way the API server reads a
   * built-in object: a field set to null is an unset field. CEL needs this: cel-java fails with a
   * NullPointerException on {@code a.?b.?c} when {@code c} is null, and a plain {@code a.b} on a
   * null is an unknown rather than an error. List items are kept, so indexes do not move.
   *
   * @return {@code value} itself when it holds no null field (nothing is copied), else a copy
   */
  public static Object withoutNullFields(Object value) {
    // Null fields are rare: looking for one first costs one pass over values, no entries.
    return holdsNullField(value) ? stripped(value) : value;
  }

  private static boolean holdsNullField(Object value) {
    if (value instanceof Map<?, ?> map) {
      for (Object item : map.values()) {
        if (item == null || holdsNullField(item)) {
          return true;
        }
      }
    } else if (value instanceof List<?> list) {
      for (int i = 0, n = list.size(); i < n; i++) {
        if (holdsNullField(list.get(i))) {
          return true;
        }
      }
    }
    return false;
  }

  private static Object stripped(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = null;
      int index = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        Object item = e.getValue();
        Object clean = item == null ? null : stripped(item);
        if (copy == null && (item == null || clean != item)) {
          copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
          int i = 0;
          for (Map.Entry<?, ?> before : map.entrySet()) {
            if (i++ == index) {
              break;
            }
            copy.put(String.valueOf(before.getKey()), before.getValue());
          }
        }
        if (copy != null && clean != null) {
          copy.put(String.valueOf(e.getKey()), clean);
        }
        index++;
      }
      return copy == null ? value : copy;
    }
    if (value instanceof List<?> list) {
      List<Object> copy = null;
      for (int i = 0; i < list.size(); i++) {
        Object item = list.get(i);
        Object clean = stripped(item);
        if (copy == null && clean != item) {
          copy = new ArrayList<>(list.subList(0, i));
        }
        if (copy != null) {
          copy.add(clean);
        }
      }
      return copy == null ? value : copy;
    }
    return value;
  }

  /** A short, single-line rendering of a value for messages: strings unquoted, JSON otherwise. */
  public static String brief(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof String s) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    write(value, sb);
    if (sb.length() > 200) {
      return sb.substring(0, 197) + "...";
    }
    return sb.toString();
  }

  private static void write(Object value, StringBuilder sb) {
    if (value instanceof Map<?, ?> map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append('"').append(e.getKey()).append("\":");
        write(e.getValue(), sb);
      }
      sb.append('}');
    } else if (value instanceof List<?> list) {
      sb.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        write(list.get(i), sb);
      }
      sb.append(']');
    } else if (value instanceof String s) {
      sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
    } else {
      sb.append(value);
    }
  }
}
