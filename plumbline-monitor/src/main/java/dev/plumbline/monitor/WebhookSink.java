package dev.plumbline.monitor;

import dev.plumbline.store.Alert;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook: a POST of {@code {"source":"plumbline","alerts":[...]}}, signed with the
 * sink's secret. {@code X-Plumbline-Timestamp} is the Unix time in seconds;
 * {@code X-Plumbline-Signature} is {@code sha256=} and the hex HMAC-SHA256 of
 * {@code timestamp + "." + body}; {@code X-Plumbline-Delivery} lists the outbox ids, which a
 * receiver may use to drop a redelivery. Any 2xx answer is a delivery.
 */
final class WebhookSink implements Sink {
  static final String SIGNATURE = "X-Plumbline-Signature";
  static final String TIMESTAMP = "X-Plumbline-Timestamp";
  static final String DELIVERY = "X-Plumbline-Delivery";

  private final HttpClient http;
  private final URI url;
  private final String secret;

  WebhookSink(HttpClient http, String url, String secret) {
    this.http = http;
    this.url = URI.create(url);
    this.secret = secret == null || secret.isEmpty() ? null : secret;
  }

  @Override
  public void send(List<Alert> alerts) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("source", "plumbline");
    body.put("alerts", Payloads.read(alerts));
    post(AlertRule.JSON.writeValueAsString(body), alerts);
  }

  void post(String body, List<Alert> alerts) throws IOException {
    String timestamp = Long.toString(Instant.now().getEpochSecond());
    HttpRequest.Builder request = HttpRequest.newBuilder(url)
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .header("User-Agent", "plumbline")
        .header(TIMESTAMP, timestamp)
        .header(DELIVERY, alerts.stream().map(a -> Long.toString(a.id()))
            .collect(Collectors.joining(",")))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (secret != null) {
      request.header(SIGNATURE, "sha256=" + sign(secret, timestamp, body));
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() / 100 != 2) {
      String text = response.body() == null ? "" : response.body();
      throw new IOException(url.getHost() + " answered " + response.statusCode()
          + (text.isBlank() ? "" : ": " + text.substring(0, Math.min(200, text.length()))));
    }
  }

  /** Hex HMAC-SHA256 of {@code timestamp + "." + body}. */
  static String sign(String secret, String timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
