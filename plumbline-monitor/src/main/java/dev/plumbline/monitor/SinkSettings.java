package dev.plumbline.monitor;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One alert destination.
 *
 * @param name the sink's name, unique per monitor; the store's outbox keeps alerts per name, so
 *     renaming a sink leaves its undelivered alerts behind
 * @param type {@code webhook}, {@code slack}, {@code syslog} or {@code log}
 * @param url the URL of a webhook or a Slack incoming webhook
 * @param secret the webhook's HMAC secret; null or empty for unsigned requests
 * @param host the syslog server
 * @param port the syslog port (514 when 0)
 * @param protocol {@code udp} or {@code tcp} for syslog ({@code udp} when null)
 * @param batchSize the most alerts per request (1 when 0 or less)
 * @param batchInterval how often the outbox is read for the sink (1 s when null)
 */
public record SinkSettings(String name, String type, String url, String secret, String host,
    int port, String protocol, int batchSize, Duration batchInterval) {

  static final Set<String> TYPES = Set.of("webhook", "slack", "syslog", "log");

  public SinkSettings {
    Objects.requireNonNull(name, "name");
    type = Objects.requireNonNull(type, "type").toLowerCase(Locale.ROOT);
    if (!TYPES.contains(type)) {
      throw new IllegalArgumentException("sink " + name + ": unknown type " + type
          + " (webhook, slack, syslog or log)");
    }
    if ((type.equals("webhook") || type.equals("slack")) && (url == null || url.isBlank())) {
      throw new IllegalArgumentException("sink " + name + ": a " + type + " sink needs a url");
    }
    if (type.equals("syslog") && (host == null || host.isBlank())) {
      throw new IllegalArgumentException("sink " + name + ": a syslog sink needs a host");
    }
    protocol = protocol == null ? "udp" : protocol.toLowerCase(Locale.ROOT);
    if (!protocol.equals("udp") && !protocol.equals("tcp")) {
      throw new IllegalArgumentException("sink " + name + ": protocol must be udp or tcp");
    }
    port = port <= 0 ? 514 : port;
    batchSize = Math.max(1, batchSize);
    batchInterval = batchInterval == null || batchInterval.isNegative() || batchInterval.isZero()
        ? Duration.ofSeconds(1) : batchInterval;
  }

  public static SinkSettings webhook(String name, String url, String secret) {
    return new SinkSettings(name, "webhook", url, secret, null, 0, null, 50, null);
  }

  public static SinkSettings slack(String name, String url) {
    return new SinkSettings(name, "slack", url, null, null, 0, null, 20, null);
  }

  public static SinkSettings syslog(String name, String host, int port, String protocol) {
    return new SinkSettings(name, "syslog", null, null, host, port, protocol, 100, null);
  }

  public static SinkSettings log(String name) {
    return new SinkSettings(name, "log", null, null, null, 0, null, 100, null);
  }
}
