package dev.plumbline.store;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** JSON text for the store's columns: compact, map keys sorted, no NaN or infinity. */
final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> OBJECT_MAP = new TypeReference<>() {};

  private Json() {}

  /** Compact JSON of a scanned value (Map, List, String, Boolean, numbers), keys sorted. */
  static String write(Object value) {
    return MAPPER.writeValueAsString(normalize(value));
  }

  static List<String> strings(String json) {
    return json == null ? List.of() : List.copyOf(MAPPER.readValue(json, STRINGS));
  }

  static Map<String, String> stringMap(String json) {
    return json == null ? Map.of() : new LinkedHashMap<>(MAPPER.readValue(json, STRING_MAP));
  }

  static Map<String, Object> objectMap(String json) {
    return json == null ? Map.of() : MAPPER.readValue(json, OBJECT_MAP);
  }

  private static Object normalize(Object value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(String.valueOf(k), normalize(v)));
      return sorted;
    }
    if (value instanceof List<?> list) {
      List<Object> out = new ArrayList<>(list.size());
      list.forEach(v -> out.add(normalize(v)));
      return out;
    }
    if (value instanceof Double d && !Double.isFinite(d)) {
      return d.toString();
    }
    if (value instanceof Float f && !Float.isFinite(f)) {
      return f.toString();
    }
    if (value == null || value instanceof String || value instanceof Boolean
        || value instanceof Number && (value instanceof Long || value instanceof Integer
        || value instanceof Short || value instanceof Byte || value instanceof Double
        || value instanceof Float || value instanceof BigDecimal || value instanceof BigInteger)) {
      return value;
    }
    return String.valueOf(value);
  }
}
