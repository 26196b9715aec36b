package dev.plumbline.server;

import dev.plumbline.control.Severity;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A request as the handlers see it: checked parameters, the caller, the raw body. */
final class Request {
  private final Context ctx;
  private final Route route;
  final String actor;
  private final long maxBody;

  Request(Context ctx, Route route, String actor, long maxBody) {
    this.ctx = ctx;
    this.route = route;
    this.actor = actor;
    this.maxBody = maxBody;
  }

  Context context() {
    return ctx;
  }

  String path(String name) {
    return ctx.pathParam(name);
  }

  /** Rejects query parameters the route does not declare, so a typo is not a silent no-op. */
  void checkParams() {
    Set<String> known = new java.util.HashSet<>();
    route.params().forEach(p -> known.add(p.name()));
    for (String key : ctx.queryParamMap().keySet()) {
      if (!known.contains(key)) {
        throw ApiError.badParameter(key, "unknown parameter (known: "
            + String.join(", ", new java.util.TreeSet<>(known)) + ")");
      }
    }
    for (Route.Param p : route.params()) {
      if (p.required() && string(p.name()) == null) {
        throw ApiError.badParameter(p.name(), "required");
      }
    }
  }

  /** The parameter's value; null when absent or blank. */
  String string(String name) {
    List<String> values = ctx.queryParams(name);
    if (values.size() > 1) {
      throw ApiError.badParameter(name, "given more than once");
    }
    String v = values.isEmpty() ? null : values.get(0);
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** Every value: repeated parameters and comma-separated lists. */
  List<String> list(String name) {
    List<String> out = new ArrayList<>();
    for (String v : ctx.queryParams(name)) {
      for (String part : v.split(",", -1)) {
        if (!part.isBlank()) {
          out.add(part.strip());
        }
      }
    }
    return out;
  }

  int integer(String name, int min, int max, int otherwise) {
    String v = string(name);
    if (v == null) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw ApiError.badParameter(name, "must be " + min + " to " + max + ": " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badParameter(name, "not a whole number: " + v);
    }
  }

  Instant instant(String name, Instant otherwise) {
    String v = string(name);
    if (v == null) {
      return otherwise;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      try {
        return java.time.LocalDate.parse(v).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw ApiError.badParameter(name,
            "not a time (expected 2026-01-31T12:00:00Z or 2026-01-31): " + v);
      }
    }
  }

  List<Severity> severities(String name) {
    List<Severity> out = new ArrayList<>();
    for (String v : list(name)) {
      try {
        out.add(Severity.parse(v));
      } catch (IllegalArgumentException e) {
        throw ApiError.badParameter(name, e.getMessage());
      }
    }
    return out;
  }

  <E extends Enum<E>> List<E> enums(String name, Class<E> type) {
    List<E> out = new ArrayList<>();
    for (String v : list(name)) {
      out.add(enumValue(name, type, v));
    }
    return out;
  }

  static <E extends Enum<E>> E enumValue(String name, Class<E> type, String v) {
    for (E e : type.getEnumConstants()) {
      if (e.name().replace("_", "").equalsIgnoreCase(v.replace("_", "").replace("-", ""))) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(Api.camel(e.name()));
    }
    throw ApiError.badParameter(name, "unknown value '" + v + "' (expected one of "
        + String.join(", ", names) + ")");
  }

  /**
   * The body, read up to the limit: a longer one (announced, or chunked without a length) is
   * refused with 413 before it is all read.
   */
  byte[] body() {
    if (ctx.contentLength() > maxBody) {
      throw new ApiError(413, "request body larger than " + maxBody + " bytes", null);
    }
    try {
      byte[] bytes = ctx.req().getInputStream().readNBytes((int) Math.min(maxBody + 1,
          Integer.MAX_VALUE - 8));
      if (bytes.length > maxBody) {
        throw new ApiError(413, "request body larger than " + maxBody + " bytes", null);
      }
      return bytes;
    } catch (java.io.IOException e) {
      throw ApiError.badRequest("cannot read the request body");
    }
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
