package dev.plumbline.kube;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * One page of a list response, read as a stream: each item becomes plain JSON data ({@link Map},
 * {@link List}, {@link String}, {@link Long}, {@link Double}, {@link Boolean}, null) and is handed
 * on before the next one is read, so a page never exists twice in memory.
 *
 * <p>What Plumbline must not keep is skipped in the token stream, never turned into strings:
 * {@code metadata.managedFields} (noise), the {@code kubectl.kubernetes.io/last-applied-configuration}
 * annotation (a copy of the object as applied, which for a Secret holds its values), and, for
 * Secrets, every field but {@code metadata} and {@code type}. The item's {@code apiVersion} and
 * {@code kind} are set from the collection read (list items from the API server may lack them,
 * and metadata-only items say {@code PartialObjectMetadata}).
 *
 * @param continueToken the token for the next page, or null on the last page
 * @param items how many items the page held
 */
record ListPage(String continueToken, int items) {
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  /**
   * Reads a list response.
   *
   * @throws tools.jackson.core.JacksonException when the body is not a JSON object
   */
  static ListPage read(InputStream body, ApiKind kind, Consumer<Map<String, Object>> sink) {
    String next = null;
    int count = 0;
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("the response is not a JSON object");
      }
      while (p.nextToken() == JsonToken.PROPERTY_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (name.equals("metadata") && value == JsonToken.START_OBJECT) {
          Object token = readObject(p).get("continue");
          next = token instanceof String s && !s.isEmpty() ? s : null;
        } else if (name.equals("items") && value == JsonToken.START_ARRAY) {
          for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            if (t == JsonToken.START_OBJECT) {
              sink.accept(readItem(p, kind));
              count++;
            } else {
              p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return new ListPage(next, count);
  }

  /** Reads a whole JSON value (a Status body, say) as plain data. */
  static Object readValue(InputStream body) {
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), body)) {
      return p.nextToken() == null ? null : value(p);
    }
  }

  /** Reads a whole JSON value from text. */
  static Object readValue(String text) {
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), text)) {
      return p.nextToken() == null ? null : value(p);
    }
  }

  /** Reads one object as JSON text, with the same skipping and kind as a list item. */
  static Map<String, Object> readItem(String json, ApiKind kind) {
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("not a JSON object");
      }
      return readItem(p, kind);
    }
  }

  /** Reads one object of a collection, the parser on its START_OBJECT. */
  static Map<String, Object> readItem(JsonParser p, ApiKind kind) {
    boolean secret = kind.kind().equals("Secret") && kind.group().isEmpty();
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("apiVersion", kind.apiVersion());
    object.put("kind", kind.kind());
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      if (name.equals("apiVersion") || name.equals("kind")) {
        p.skipChildren();
      } else if (name.equals("metadata") && token == JsonToken.START_OBJECT) {
        object.put(name, metadata(p));
      } else if (secret && !name.equals("type")) {
        p.skipChildren(); // data, stringData: never read
      } else {
        object.put(name, value(p));
      }
    }
    return object;
  }

  private static Map<String, Object> metadata(JsonParser p) {
    Map<String, Object> metadata = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      JsonToken token = p.nextToken();
      if (name.equals("managedFields")) {
        p.skipChildren();
      } else if (name.equals("annotations") && token == JsonToken.START_OBJECT) {
        Map<String, Object> annotations = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          String key = p.currentName();
          p.nextToken();
          if (key.equals(LAST_APPLIED)) {
            p.skipChildren();
          } else {
            annotations.put(key, value(p));
          }
        }
        metadata.put(name, annotations);
      } else {
        metadata.put(name, value(p));
      }
    }
    return metadata;
  }

  private static Object value(JsonParser p) {
    return switch (p.currentToken()) {
      case START_OBJECT -> readObject(p);
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          list.add(value(p));
        }
        yield list;
      }
      case VALUE_STRING -> p.getString();
      case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          ? (Object) p.getDoubleValue() : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT -> floating(p.getDoubleValue());
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      default -> null;
    };
  }

  private static Map<String, Object> readObject(JsonParser p) {
    Map<String, Object> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.PROPERTY_NAME) {
      String name = p.currentName();
      p.nextToken();
      map.put(name, value(p));
    }
    return map;
  }

  /** An integral float is an integer, as the API server reads it. */
  private static Object floating(double d) {
    if (!Double.isInfinite(d) && !Double.isNaN(d) && d == Math.rint(d)
        && d >= -9.223372036854776E18 && d < 9.223372036854776E18) {
      return (long) d;
    }
    return d;
  }
}
