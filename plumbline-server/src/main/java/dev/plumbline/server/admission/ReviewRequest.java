package dev.plumbline.server.admission;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The parts of an {@code admission.k8s.io/v1} AdmissionReview request that a decision needs,
 * read as plain JSON data (Map, List, String, Long, Double, Boolean), checked field by field.
 *
 * @param uid {@code request.uid}, echoed in the response
 * @param operation CREATE, UPDATE, DELETE or CONNECT
 * @param namespace {@code request.namespace}; "" for cluster-scoped objects
 * @param object {@code request.object} (null for DELETE and CONNECT)
 * @param dryRun whether the request is a dry run (no side effects may be recorded)
 * @param user {@code request.userInfo.username}; null when not given
 */
record ReviewRequest(String uid, String operation, String namespace, Map<String, Object> object,
    boolean dryRun, String user) {
  static final String API_VERSION = "admission.k8s.io/v1";
  private static final JsonFactory FACTORY = JsonFactory.builder().build();
  private static final int MAX_DEPTH = 200;

  /** A review that cannot be answered: HTTP 400 with this reason. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Reads and checks a review.
   *
   * @throws Invalid naming the field that is missing or wrong
   */
  static ReviewRequest parse(byte[] body) {
    Object root;
    try (JsonParser p = FACTORY.createParser(ObjectReadContext.empty(), body)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new Invalid("the body is empty: expected an AdmissionReview");
      }
      root = value(p, 0);
      if (p.nextToken() != null) {
        throw new Invalid("malformed JSON: more data after the AdmissionReview");
      }
    } catch (JacksonException e) {
      String m = e.getOriginalMessage();
      throw new Invalid("malformed JSON: " + (m == null ? e.getClass().getSimpleName()
          : m.lines().findFirst().orElse(m)));
    }
    if (!(root instanceof Map<?, ?> review)) {
      throw new Invalid("expected a JSON object (an AdmissionReview)");
    }
    Object apiVersion = review.get("apiVersion");
    if (!API_VERSION.equals(apiVersion)) {
      throw new Invalid("apiVersion: expected " + API_VERSION + ", got " + show(apiVersion));
    }
    Object kind = review.get("kind");
    if (!"AdmissionReview".equals(kind)) {
      throw new Invalid("kind: expected AdmissionReview, got " + show(kind));
    }
    if (!(review.get("request") instanceof Map<?, ?> request)) {
      throw new Invalid("request: missing (an AdmissionReview to answer has a request)");
    }
    if (!(request.get("uid") instanceof String uid) || uid.isBlank()) {
      throw new Invalid("request.uid: missing");
    }
    if (!(request.get("operation") instanceof String operation)) {
      throw new Invalid("request.operation: missing");
    }
    if (!List.of("CREATE", "UPDATE", "DELETE", "CONNECT").contains(operation)) {
      throw new Invalid("request.operation: expected CREATE, UPDATE, DELETE or CONNECT, got "
          + show(operation));
    }
    Object ns = request.get("namespace");
    if (ns != null && !(ns instanceof String)) {
      throw new Invalid("request.namespace: expected a string, got " + show(ns));
    }
    Object dry = request.get("dryRun");
    if (dry != null && !(dry instanceof Boolean)) {
      throw new Invalid("request.dryRun: expected true or false, got " + show(dry));
    }
    Map<String, Object> object = null;
    if (operation.equals("CREATE") || operation.equals("UPDATE")) {
      Object o = request.get("object");
      if (o == null) {
        throw new Invalid("request.object: missing (" + operation + " has the object)");
      }
      if (!(o instanceof Map<?, ?>)) {
        throw new Invalid("request.object: expected a JSON object, got " + show(o));
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) o;
      object = m;
      if (!(object.get("kind") instanceof String k) || k.isBlank()) {
        throw new Invalid("request.object.kind: missing");
      }
      if (!(object.get("apiVersion") instanceof String v) || v.isBlank()) {
        throw new Invalid("request.object.apiVersion: missing");
      }
      Object metadata = object.get("metadata");
      if (metadata != null && !(metadata instanceof Map)) {
        throw new Invalid("request.object.metadata: expected a JSON object");
      }
    }
    String user = request.get("userInfo") instanceof Map<?, ?> u
        && u.get("username") instanceof String name ? name : null;
    return new ReviewRequest(uid, operation, ns == null ? "" : (String) ns, object,
        Boolean.TRUE.equals(dry), user);
  }

  private static String show(Object o) {
    if (o == null) {
      return "nothing";
    }
    if (o instanceof String s) {
      return "\"" + (s.length() > 60 ? s.substring(0, 60) + "…" : s) + "\"";
    }
    return o instanceof Map ? "an object" : o instanceof List ? "a list" : String.valueOf(o);
  }

  private static Object value(JsonParser p, int depth) {
    if (depth > MAX_DEPTH) {
      throw new Invalid("the JSON is nested deeper than " + MAX_DEPTH + " levels");
    }
    return switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.PROPERTY_NAME) {
          String name = p.currentName();
          p.nextToken();
          map.put(name, value(p, depth + 1));
        }
        yield map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          list.add(value(p, depth + 1));
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

  /** An integral float is an integer, as the API server reads it. */
  private static Object floating(double d) {
    if (!Double.isInfinite(d) && !Double.isNaN(d) && d == Math.rint(d)
        && d >= -9.223372036854776E18 && d < 9.223372036854776E18) {
      return (long) d;
    }
    return d;
  }
}
