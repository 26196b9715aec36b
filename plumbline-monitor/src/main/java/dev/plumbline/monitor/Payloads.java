package dev.plumbline.monitor;

import dev.plumbline.store.Alert;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reading alert payloads back, for the sinks that render them. */
final class Payloads {
  private Payloads() {}

  static JsonNode read(Alert a) {
    try {
      return AlertRule.JSON.readTree(a.event().payload());
    } catch (RuntimeException e) {
      return AlertRule.JSON.createObjectNode()
          .put("cluster", a.event().cluster())
          .put("findingId", a.event().findingId())
          .put("transition", a.event().transition().name());
    }
  }

  static List<JsonNode> read(List<Alert> alerts) {
    List<JsonNode> out = new ArrayList<>();
    alerts.forEach(a -> out.add(read(a)));
    return out;
  }

  static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? "" : v.asString();
  }

  /** {@code Kind/namespace/name} of the payload's resource. */
  static String resource(JsonNode n) {
    JsonNode r = n.path("resource");
    String ns = text(r, "namespace");
    return text(r, "kind") + "/" + (ns.isEmpty() ? "" : ns + "/") + text(r, "name");
  }

  /** One line: {@code [cluster] NEW HIGH control-id on Kind/ns/name: message}. */
  static String line(JsonNode n) {
    return "[" + text(n, "cluster") + "] " + text(n, "transition") + " " + text(n, "severity")
        + " " + text(n.path("control"), "id") + " on " + resource(n) + " ("
        + text(n, "path") + "): " + text(n, "message");
  }
}
