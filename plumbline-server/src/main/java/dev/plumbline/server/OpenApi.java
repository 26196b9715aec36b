package dev.plumbline.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.ObjectMapper;

/**
 * The OpenAPI 3.1 document of the API, built from the same route table the router registers, so
 * every endpoint is described and nothing else is.
 */
final class OpenApi {
  private OpenApi() {}

  /** The paths the document lists besides the API routes (served without the route table). */
  static final List<String[]> EXTRA = List.of(
      new String[] {"GET", Api.PREFIX + "/openapi.json", "meta", "This document"},
      new String[] {"GET", "/healthz", "meta", "200 while the process serves"},
      new String[] {"GET", "/readyz", "meta", "200 when ready, else 503"},
      new String[] {"GET", "/metrics", "meta", "Prometheus metrics"});

  static byte[] document(List<Route> routes, ObjectMapper json) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("openapi", "3.1.0");
    doc.put("info", Map.of("title", "Plumbline API", "version", "v1",
        "description", "The history store of continuous monitoring: findings, resources,"
            + " controls, compliance, trends, exceptions and alerts. See docs/serve.md."));
    Map<String, Object> paths = new LinkedHashMap<>();
    for (Route r : routes) {
      Map<String, Object> op = new LinkedHashMap<>();
      op.put("operationId", operationId(r));
      op.put("tags", List.of(r.tag()));
      op.put("summary", r.summary());
      List<Object> params = new java.util.ArrayList<>();
      for (String p : r.pathParams()) {
        params.add(Map.of("name", p, "in", "path", "required", true,
            "schema", Map.of("type", "string")));
      }
      for (Route.Param p : r.params()) {
        Map<String, Object> param = new LinkedHashMap<>();
        param.put("name", p.name());
        param.put("in", "query");
        param.put("required", p.required());
        param.put("description", p.description());
        param.put("schema", p.type().equals("list")
            ? Map.of("type", "array", "items", Map.of("type", "string"))
            : Map.of("type", p.type()));
        if (p.type().equals("list")) {
          param.put("style", "form");
          param.put("explode", true);
        }
        params.add(param);
      }
      op.put("parameters", params);
      if (r.body() != null) {
        op.put("requestBody", Map.of("required", true, "content", Map.of("application/json",
            Map.of("schema", Map.of("$ref", "#/components/schemas/" + r.body())))));
      }
      Map<String, Object> responses = new LinkedHashMap<>();
      if (r.path().startsWith(Api.PREFIX + "/reports/")) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("text/html", Map.of("schema", Map.of("type", "string")));
        content.put("application/pdf", Map.of("schema", Map.of("type", "string",
            "format", "binary")));
        content.put("text/csv", Map.of("schema", Map.of("type", "string")));
        content.put("application/json", Map.of("schema", Map.of("type", "object",
            "description", "the report model: see docs/reports.md")));
        responses.put("200", Map.of("description", "the report, as an attachment",
            "content", content));
      } else {
        responses.put(r.method().equals("POST") && r.body() != null ? "201" : "200",
            Map.of("description", "OK", "content", Map.of("application/json",
                Map.of("schema", Map.of("type", "object")))));
      }
      responses.put("400", ref("Error", "bad parameter or body"));
      responses.put("401", ref("Error", "no or wrong token"));
      if (r.admin()) {
        responses.put("403", ref("Error", "the token's role may not write"));
      }
      if (!r.pathParams().isEmpty()) {
        responses.put("404", ref("Error", "no such item"));
      }
      op.put("responses", responses);
      op.put("security", List.of(Map.of("bearer", List.of())));
      pathItem(paths, r.path()).put(r.method().toLowerCase(Locale.ROOT), op);
    }
    for (String[] e : EXTRA) {
      Map<String, Object> op = new LinkedHashMap<>();
      op.put("operationId", e[1].replaceAll("[^A-Za-z]", ""));
      op.put("tags", List.of(e[2]));
      op.put("summary", e[3]);
      op.put("security", List.of());
      op.put("responses", Map.of("200", Map.of("description", "OK")));
      pathItem(paths, e[1]).put("get", op);
    }
    doc.put("paths", paths);
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("type", "object");
    spec.put("required", List.of("controls", "reason", "owner", "expires"));
    spec.put("additionalProperties", false);
    Map<String, Object> props = new LinkedHashMap<>();
    Map<String, Object> list = Map.of("type", "array", "items", Map.of("type", "string"));
    props.put("clusters", list);
    props.put("controls", list);
    props.put("namespaces", list);
    props.put("kinds", list);
    props.put("names", list);
    props.put("labels", Map.of("type", "object", "additionalProperties",
        Map.of("type", "string")));
    props.put("reason", Map.of("type", "string"));
    props.put("owner", Map.of("type", "string"));
    props.put("expires", Map.of("type", "string", "format", "date"));
    spec.put("properties", props);
    Map<String, Object> error = Map.of("type", "object", "required", List.of("status", "error"),
        "properties", Map.of("status", Map.of("type", "integer"),
            "error", Map.of("type", "string"), "parameter", Map.of("type", "string")));
    doc.put("components", Map.of(
        "schemas", Map.of("ExceptionSpec", spec, "Error", error),
        "securitySchemes", Map.of("bearer", Map.of("type", "http", "scheme", "bearer"))));
    return json.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> pathItem(Map<String, Object> paths, String path) {
    return (Map<String, Object>) paths.computeIfAbsent(path, k -> new LinkedHashMap<>());
  }

  private static Map<String, Object> ref(String schema, String description) {
    return Map.of("description", description, "content", Map.of("application/json",
        Map.of("schema", Map.of("$ref", "#/components/schemas/" + schema))));
  }

  private static String operationId(Route r) {
    StringBuilder b = new StringBuilder(r.method().toLowerCase(Locale.ROOT));
    for (String part : r.path().substring(Api.PREFIX.length()).split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      String word = part.startsWith("{") ? "By" + part.substring(1, 2).toUpperCase(Locale.ROOT)
          + part.substring(2, part.length() - 1) : part;
      b.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return b.toString();
  }
}
