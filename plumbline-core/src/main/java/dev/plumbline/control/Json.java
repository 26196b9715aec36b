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
