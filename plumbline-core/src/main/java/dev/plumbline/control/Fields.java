package dev.plumbline.control;

import dev.plumbline.resource.FieldPath;
import dev.plumbline.resource.YamlFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed, line-aware reading of one mapping of Plumbline's own YAML files. Every problem names the
 * file, the line and the field, and unknown fields are errors, so a typo is never ignored.
 */
final class Fields {
  /** A problem in a file, already formatted as {@code file:line: field: message}. */
  static final class Problem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Problem(String message) {
      super(message, null, false, false);
    }
  }

  private final String file;
  private final YamlFile.Document document;
  private final FieldPath at;
  private final Map<String, Object> map;

  @SuppressWarnings("unchecked")
  private Fields(String file, YamlFile.Document document, FieldPath at, Object value) {
    this.file = file;
    this.document = document;
    this.at = at;
    if (!(value instanceof Map<?, ?> m)) {
      throw problemAt(at, "must be a mapping");
    }
    this.map = (Map<String, Object>) m;
  }

  static Fields root(String file, YamlFile.Document document) {
    return new Fields(file, document, FieldPath.ROOT, document.root());
  }

  Problem problemAt(FieldPath path, String message) {
    int line = document.lineOf(path);
    String where = path.isRoot() ? "" : path + ": ";
    return new Problem(file + (line > 0 ? ":" + line : "") + ": " + where + message);
  }

  Problem problem(String key, String message) {
    return problemAt(at.key(key), message);
  }

  /** Fails when the mapping has a field outside {@code known}. */
  void allowOnly(Set<String> known) {
    for (String key : map.keySet()) {
      if (!known.contains(key)) {
        List<String> sorted = new ArrayList<>(known);
        sorted.sort(null);
        throw problem(key, "unknown field (known: " + String.join(", ", sorted) + ")");
      }
    }
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  String string(String key) {
    Object v = map.get(key);
    if (v == null) {
      throw problem(key, "required");
    }
    return text(key, v);
  }

  String string(String key, String fallback) {
    Object v = map.get(key);
    return v == null ? fallback : text(key, v);
  }

  private String text(String key, Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Long || v instanceof Double || v instanceof Boolean) {
      return String.valueOf(v);
    }
    throw problem(key, "must be a string");
  }

  int integer(String key, int fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return l.intValue();
    }
    throw problem(key, "must be an integer");
  }

  boolean bool(String key, boolean fallback) {
    Object v = map.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw problem(key, "must be true or false");
  }

  List<String> strings(String key) {
    Object v = map.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw problem(key, "must be a list");
    }
    List<String> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (!(item instanceof String || item instanceof Long || item instanceof Double)) {
        throw problemAt(at.key(key).index(i), "must be a string");
      }
      result.add(String.valueOf(item));
    }
    return result;
  }

  Fields fields(String key) {
    return new Fields(file, document, at.key(key), map.get(key));
  }

  List<Fields> list(String key) {
    Object v = map.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw problem(key, "must be a list");
    }
    List<Fields> result = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      result.add(new Fields(file, document, at.key(key).index(i), list.get(i)));
    }
    return result;
  }

  /** A mapping of keys to string lists, such as {@code frameworks: {cis: [5.2.2]}}. */
  Map<String, List<String>> stringLists(String key) {
    Object v = map.get(key);
    if (v == null) {
      return Map.of();
    }
    Fields inner = fields(key);
    Map<String, List<String>> result = new LinkedHashMap<>();
    for (String k : inner.map.keySet()) {
      result.put(k, inner.strings(k));
    }
    return result;
  }

  Object raw(String key) {
    return map.get(key);
  }

  FieldPath path(String key) {
    return at.key(key);
  }

  Set<String> keys() {
    return map.keySet();
  }
}
