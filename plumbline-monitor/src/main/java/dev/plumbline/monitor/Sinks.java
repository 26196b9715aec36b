package dev.plumbline.monitor;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Makes the sinks of the settings. */
final class Sinks {
  private Sinks() {}

  static Map<String, Sink> of(List<SinkSettings> settings) {
    HttpClient http = null;
    Map<String, Sink> out = new LinkedHashMap<>();
    for (SinkSettings s : settings) {
      if ((s.type().equals("webhook") || s.type().equals("slack")) && http == null) {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).build();
      }
      out.put(s.name(), switch (s.type()) {
        case "webhook" -> new WebhookSink(http, s.url(), s.secret());
        case "slack" -> new SlackSink(http, s.url());
        case "syslog" -> new SyslogSink(s.host(), s.port(), s.protocol());
        default -> new LogSink(System.err);
      });
    }
    return out;
  }
}
