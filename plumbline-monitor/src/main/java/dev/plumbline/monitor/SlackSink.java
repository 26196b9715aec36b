package dev.plumbline.monitor;

import dev.plumbline.store.Alert;
import java.io.IOException;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): {@code text} for
 * notifications and clients without blocks, and {@code blocks}: a header and one section per
 * alert.
 */
final class SlackSink implements Sink {
  /** Slack refuses messages of more than 50 blocks. */
  private static final int MAX_SECTIONS = 45;

  private final WebhookSink post;

  SlackSink(HttpClient http, String url) {
    this.post = new WebhookSink(http, url, null);
  }

  @Override
  public void send(List<Alert> alerts) throws IOException {
    post.post(AlertRule.JSON.writeValueAsString(message(Payloads.read(alerts))), alerts);
  }

  static Map<String, Object> message(List<JsonNode> alerts) {
    String cluster = alerts.isEmpty() ? "" : Payloads.text(alerts.get(0), "cluster");
    String summary = alerts.size() == 1 ? Payloads.line(alerts.get(0))
        : "Plumbline: " + alerts.size() + " finding changes in cluster " + cluster;
    List<Object> blocks = new ArrayList<>();
    blocks.add(Map.of("type", "header", "text", Map.of("type", "plain_text",
        "text", "Plumbline: " + alerts.size() + " finding change(s) in " + cluster)));
    int shown = 0;
    for (JsonNode a : alerts) {
      if (shown++ == MAX_SECTIONS) {
        blocks.add(section("…and " + (alerts.size() - MAX_SECTIONS) + " more"));
        break;
      }
      String icon = switch (Payloads.text(a, "transition")) {
        case "RESOLVED" -> ":white_check_mark:";
        case "REOPENED" -> ":repeat:";
        default -> ":rotating_light:";
      };
      blocks.add(section(icon + " *" + Payloads.text(a, "transition") + "* `"
          + Payloads.text(a, "severity") + "` *" + escape(Payloads.text(a.path("control"), "title"))
          + "* (`" + Payloads.text(a.path("control"), "id") + "`)\n`" + Payloads.resource(a)
          + "` " + escape(Payloads.text(a, "path")) + "\n" + escape(Payloads.text(a, "message"))));
    }
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("text", summary);
    message.put("blocks", blocks);
    return message;
  }

  private static Map<String, Object> section(String markdown) {
    return Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", markdown));
  }

  /** Slack's three escapes. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
