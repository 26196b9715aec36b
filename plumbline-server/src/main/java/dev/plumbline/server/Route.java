package dev.plumbline.server;

import java.util.List;

/**
 * One endpoint of the API: what the router registers and what the OpenAPI document describes,
 * from the same value, so the two cannot drift.
 *
 * @param method GET, POST, PUT or DELETE
 * @param path the Javalin path ({@code /api/v1/findings/{id}})
 * @param auth whether a token is needed
 * @param admin whether the admin role is needed
 * @param tag the OpenAPI tag
 * @param summary one line
 * @param params query parameters
 * @param body the request body's schema name; null for none
 * @param handler what answers
 */
record Route(String method, String path, boolean auth, boolean admin, String tag, String summary,
    List<Param> params, String body, Handler handler) {

  /** A query parameter. */
  record Param(String name, String type, boolean required, String description) {}

  /** Answers a request with a value to write as JSON (or a String to write as it is). */
  @FunctionalInterface
  interface Handler {
    Object handle(Request request) throws Exception;
  }

  static Param q(String name, String type, String description) {
    return new Param(name, type, false, description);
  }

  static Param required(String name, String type, String description) {
    return new Param(name, type, true, description);
  }

  /** The path parameters, in order: {@code {id}} gives {@code id}. */
  List<String> pathParams() {
    List<String> out = new java.util.ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{([^}]+)}").matcher(path);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
